import type { ComponentConf, PluginManifest, StreamConf } from '../core/index.js';
import { displayPath } from '../core/index.js';
import { httpRoutes } from '../config/index.js';

const chain = (s: StreamConf): string => {
  const names = (cs: ComponentConf[]): string[] => cs.map((c) => c.type);
  return [s.input.type, ...names(s.input.processors), ...names(s.processors), ...names(s.output.processors), s.output.type].join(' → ');
};

function language(m: PluginManifest): string {
  if (m.command.some((a) => a.endsWith('.py') || /^python/.test(a))) return 'python';
  if (m.command.some((a) => /\.(m|c)?ts$/.test(a))) return 'ts';
  if (m.command.some((a) => /\.(m|c)?js$/.test(a))) return 'js';
  return m.command[0] ?? '?';
}

/** The dev server's startup banner: where it listens, every route with its stream and components, and the plugins. */
export function devBanner(opts: { url: string; dir: string; streams: StreamConf[]; manifests: PluginManifest[]; console?: string }): string {
  const rows: [string, string, string][] = [];
  for (const s of [...opts.streams].sort((a, b) => a.id.localeCompare(b.id))) {
    const routes = httpRoutes(s);
    if (routes.length === 0) rows.push(['(no route)', s.id, chain(s)]);
    for (const r of routes) rows.push([`${r.verbs.join(',')} ${r.path}`, s.id, chain(s)]);
  }
  rows.push(['GET /ping /ready /metrics', '(host)', 'health, readiness, Prometheus metrics']);
  const w0 = Math.max(5, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  const lines = [
    '',
    `  hotplug dev  ${opts.url}  (serving ${displayPath(opts.dir)}, reloading on save; Ctrl-C to stop)`,
    '',
    `  ${'route'.padEnd(w0)}  ${'stream'.padEnd(w1)}  components`,
    ...rows.map(([r, s, c]) => `  ${r.padEnd(w0)}  ${s.padEnd(w1)}  ${c}`),
    '',
    `  plugins: ${opts.manifests.length ? opts.manifests.map((m) => `${m.name} (${language(m)} ${m.type})`).join(', ') : 'none'}`,
    ...(opts.console ? [`  console: ${opts.console}`] : []),
    '',
  ];
  return lines.join('\n');
}
