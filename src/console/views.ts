import type { ComponentConf } from '../core/index.js';
import type { Host } from '../host/index.js';
import type { ProcessUsage } from './process-stats.js';
import type { ComponentView, PluginView, RouteView } from './wire.js';

const STREAM_OWNER = 'stream ';

/** Every route the streams serve, sorted by path. */
export function routeViews(host: Host): RouteView[] {
  const plugins = new Set(host.pluginHealth().map((p) => p.name));
  const out: RouteView[] = [];
  for (const r of host.routes()) {
    if (!r.owner.startsWith(STREAM_OWNER)) continue;
    const stream = r.owner.slice(STREAM_OWNER.length);
    const conf = host.streamConf(stream);
    const components: ComponentView[] = [];
    const add = (role: string, c: ComponentConf): void => {
      components.push({ role, type: c.type, ...(c.label !== undefined && { label: c.label }), plugin: plugins.has(c.type) });
      for (const p of c.processors) add(`${role} processor`, p);
    };
    if (conf) {
      add('input', conf.input);
      conf.processors.forEach((p) => add('processor', p));
      add('output', conf.output);
    }
    out.push({ path: r.path, methods: [...r.methods], stream, ...(conf && { file: conf.file }), components });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Pids of the plugin processes running now (to sample their CPU and memory). */
export function pluginPids(host: Host): number[] {
  return host.pluginHealth().flatMap((c) => c.instances.flatMap((i) => (i.pid === undefined ? [] : [i.pid])));
}

/** One row per plugin process (a component with `instances: 2` has two). */
export function pluginViews(host: Host, usage: ReadonlyMap<number, ProcessUsage>): PluginView[] {
  const out: PluginView[] = [];
  for (const c of host.pluginHealth()) {
    for (const i of c.instances) {
      const u = i.pid === undefined ? undefined : usage.get(i.pid);
      out.push({
        name: c.name,
        kind: c.kind,
        generation: c.generation,
        state: i.state,
        ...(i.pid !== undefined && { pid: i.pid }),
        restarts: i.restarts,
        inFlight: i.inFlight,
        retiring: c.retiring,
        ...(u?.cpu !== undefined && { cpu: u.cpu }),
        ...(u !== undefined && { rss: u.rss }),
        ...(i.lastError !== undefined && { lastError: i.lastError }),
        stderrTail: i.stderrTail,
      });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}
