/**
 * A big pipeline file for bench:parse and the dev reload-stall test: `http_server`
 * on `path`, then processors (Bloblang mappings, labels) until the file is
 * about `bytes` long. `version` is what the last mapping answers, so each
 * save is a change; `broken` names an unknown output, one error at the end of the file.
 */
export function bigPipeline(bytes: number, path: string, version: number, broken = false): string {
  const parts = [`input:\n  http_server:\n    path: ${path}\npipeline:\n  processors:\n`];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes - 200; i++) {
    const p = `    - mapping: |\n        root = this\n        root.f = this.a.or("x${i}").uppercase() + "-${i}"\n        root.n = (this.n.or(0) + ${i}) * 2\n    - label: p${i}\n      bloblang: 'root = this.without("zz${i}")'\n`;
    parts.push(p);
    size += p.length;
  }
  parts.push(`    - mapping: 'root = "v${version}"'\n`);
  parts.push(broken ? 'output:\n  sync_respons: {}\n' : 'output:\n  sync_response: {}\n');
  return parts.join('');
}
