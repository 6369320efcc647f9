import { bytes, fill, h, thead } from './dom.js';
import type { ConsoleState, PluginView } from './state.js';

/** One row per plugin process: state, pid, generation, restarts, CPU, RSS, last error, stderr tail. */
export function createPluginsPanel(root: HTMLElement): { render(s: ConsoleState): void } {
  const body = h('tbody');
  fill(
    root,
    h('table', { class: 'plugins' }, thead(['plugin', 'kind', 'state', 'pid', 'gen', 'restarts', 'in flight', 'CPU', 'RSS', 'last error'], ['pid', 'gen', 'restarts', 'in flight', 'CPU', 'RSS']), body),
  );
  const open = new Set<string>();
  return {
    render(s) {
      if (s.plugins.length === 0) {
        fill(body, h('tr', {}, h('td', { colspan: 10, class: 'muted' }, 'No plugins in use.')));
        return;
      }
      fill(body, ...s.plugins.flatMap((p) => row(p, open)));
    },
  };
}

function row(p: PluginView, open: Set<string>): HTMLElement[] {
  const key = `${p.name}/${p.kind}/${p.pid ?? ''}`;
  const bad = p.state === 'failed' || p.state === 'crashed';
  const main = h(
    'tr',
    { class: bad ? 'fail' : '', 'data-plugin': p.name },
    h('td', {}, h('strong', {}, p.name)),
    h('td', {}, p.kind),
    h('td', {}, h('span', { class: `state ${p.state}` }, p.state)),
    h('td', { class: 'num' }, p.pid ?? '–'),
    h('td', { class: 'num' }, p.retiring > 0 ? `${p.generation} (+${p.retiring} draining)` : p.generation),
    h('td', { class: 'num' }, p.restarts),
    h('td', { class: 'num' }, p.inFlight),
    h('td', { class: 'num' }, p.cpu === undefined ? '–' : `${p.cpu.toFixed(1)}%`),
    h('td', { class: 'num' }, bytes(p.rss)),
    h('td', { class: 'error' }, p.lastError ?? ''),
  );
  const details = h(
    'details',
    { open: open.has(key), ontoggle: () => (details.open ? open.add(key) : open.delete(key)) },
    h('summary', {}, `stderr (${p.stderrTail === '' ? 'empty' : lines(p.stderrTail.split('\n').length)})`),
    h('pre', {}, p.stderrTail),
  );
  return [main, h('tr', { class: 'detail' }, h('td', { colspan: 10 }, details))];
}

function lines(n: number): string {
  return n === 1 ? 'last line' : `last ${n} lines`;
}
