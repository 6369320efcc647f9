import { readFileSync, writeFileSync, renameSync } from 'node:fs';

/**
 * DIR/hotplug.env in systemd's EnvironmentFile syntax (KEY=VALUE lines, `#`
 * comments). Deploy sets only the keys it owns and keeps the user's other
 * lines (secrets, HOTPLUG_LOG_LEVEL, ...) as they are.
 */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return env;
  }
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2] as string;
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    env[m[1] as string] = v;
  }
  return env;
}

export function updateEnvFile(file: string, set: Record<string, string | undefined>): void {
  let lines: string[] = [];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
  } catch {
    lines = ['# hotplug settings: systemd EnvironmentFile syntax; `hotplug deploy` manages PORT, HOST and HOTPLUG_NODE.'];
  }
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) continue;
    if (/[\n"\\]/.test(value)) throw new Error(`${key} must not contain newlines, quotes or backslashes`);
    const i = lines.findIndex((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
    const line = `${key}=${value}`;
    if (i === -1) lines.push(line);
    else lines[i] = line;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${lines.join('\n')}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
