import { clock, fill, h, thead } from './dom.js';
import { failed, type ConsoleState, type RequestRecord } from './state.js';

const STATUS_FILTERS: Record<string, (r: RequestRecord) => boolean> = {
  all: () => true,
  '2xx': (r) => r.status >= 200 && r.status < 300,
  '3xx': (r) => r.status >= 300 && r.status < 400,
  '4xx': (r) => r.status >= 400 && r.status < 500,
  '5xx': (r) => r.status >= 500,
  failed,
};

/** The last requests, newest first; failures in red with their error and stack; filters by route and status. */
export function createRequestsPanel(root: HTMLElement): { render(s: ConsoleState): void } {
  const route = h('select', { name: 'route', onchange: () => last && draw(last) });
  const status = h('select', { name: 'status', onchange: () => last && draw(last) }, ...Object.keys(STATUS_FILTERS).map((k) => h('option', { value: k }, k)));
  const count = h('span', { class: 'muted' });
  const body = h('tbody');
  fill(
    root,
    h('div', { class: 'filters' }, h('label', {}, 'Route ', route), h('label', {}, 'Status ', status), count),
    h('table', { class: 'requests' }, thead(['time', 'method', 'path', 'route', 'status', 'ms', 'gen'], ['ms', 'gen']), body),
  );
  let last: ConsoleState | undefined;

  const draw = (s: ConsoleState): void => {
    const routes = [...new Set([...s.routes.map((r) => r.path), ...s.requests.map((r) => r.route)])].filter(Boolean).sort();
    const want = route.value || 'all';
    fill(route, h('option', { value: 'all' }, 'all'), ...routes.map((r) => h('option', { value: r, selected: r === want }, r)));
    const byStatus = STATUS_FILTERS[status.value] ?? STATUS_FILTERS['all']!;
    const shown = s.requests.filter((r) => (want === 'all' || r.route === want) && byStatus(r)).reverse();
    fill(count, `${shown.length} of ${s.requests.length}${s.skipped > 0 ? ` (${s.skipped} not sent under load)` : ''}`);
    fill(body, ...shown.map(row));
  };

  return {
    render(s) {
      last = s;
      draw(s);
    },
  };
}

function row(r: RequestRecord): HTMLElement[] {
  const bad = failed(r);
  const main = h(
    'tr',
    { class: bad ? 'fail' : '' },
    h('td', {}, clock(r.time)),
    h('td', {}, r.method),
    h('td', {}, h('code', {}, r.path)),
    h('td', {}, r.route || '–'),
    h('td', { class: `status s${String(r.status)[0]}` }, r.status),
    h('td', { class: 'num' }, r.ms.toFixed(1)),
    h('td', { class: 'num' }, r.generation ?? '–'),
  );
  if (!bad || (r.error === undefined && r.stack === undefined)) return [main];
  const detail = h(
    'tr',
    { class: 'fail detail' },
    h(
      'td',
      { colspan: 7 },
      h('div', { class: 'error' }, r.error ?? '', r.location ? h('span', { class: 'muted' }, ` at ${r.location}`) : null),
      r.stack ? h('details', { open: true }, h('summary', {}, 'stack'), h('pre', {}, r.stack)) : null,
    ),
  );
  return [main, detail];
}
