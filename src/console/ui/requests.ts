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

/** Rows drawn at most (the page keeps MAX_REQUESTS; the filters reach all of them). */
const MAX_ROWS = 100;

/**
 * The last requests, newest first; failures in red with their error and stack; filters by route and
 * status. New requests are added on top and the oldest rows dropped, so a busy server costs the page
 * a few rows per redraw (at most one a second), and never more than MAX_ROWS rows.
 */
export function createRequestsPanel(root: HTMLElement): { render(s: ConsoleState): void } {
  const route = h('select', { name: 'route', onchange: () => last && redraw(last) });
  const status = h('select', { name: 'status', onchange: () => last && redraw(last) }, ...Object.keys(STATUS_FILTERS).map((k) => h('option', { value: k }, k)));
  const count = h('span', { class: 'muted', 'data-testid': 'requests-count' });
  const table = h('table', { class: 'requests' }, thead(['time', 'method', 'path', 'route', 'status', 'ms', 'gen'], ['ms', 'gen']));
  fill(root, h('div', { class: 'filters' }, h('label', {}, 'Route ', route), h('label', {}, 'Status ', status), count), table);
  let last: ConsoleState | undefined;
  /** `received` when the table was last brought up to date. */
  let drawn = 0;
  let snapshot = -1;
  let routeNames = '';
  let shown = 0;

  const matches = (r: RequestRecord): boolean => (route.value === 'all' || route.value === '' || r.route === route.value) && (STATUS_FILTERS[status.value] ?? STATUS_FILTERS['all']!)(r);

  const options = (s: ConsoleState): void => {
    const routes = [...new Set([...s.routes.map((r) => r.path), ...s.requests.map((r) => r.route)])].filter(Boolean).sort();
    if (routes.join('\n') === routeNames) return;
    routeNames = routes.join('\n');
    const want = route.value || 'all';
    fill(route, h('option', { value: 'all' }, 'all'), ...routes.map((r) => h('option', { value: r, selected: r === want }, r)));
  };

  const redraw = (s: ConsoleState): void => {
    const rows = s.requests.filter(matches).slice(-MAX_ROWS).reverse();
    for (const b of table.querySelectorAll('tbody')) b.remove();
    table.append(...rows.map(row));
    shown = rows.length;
    drawn = s.received;
  };

  const update = (s: ConsoleState): void => {
    const fresh = s.requests.slice(-Math.min(s.requests.length, s.received - drawn)).filter(matches);
    for (const r of fresh) table.insertBefore(row(r), table.querySelector('tbody') ?? null);
    shown += fresh.length;
    for (; shown > MAX_ROWS; shown--) table.querySelector('tbody:last-of-type')?.remove();
    drawn = s.received;
  };

  return {
    render(s) {
      const whole = snapshot !== s.snapshots || s.received - drawn >= Math.min(s.requests.length, MAX_ROWS);
      snapshot = s.snapshots;
      last = s;
      options(s);
      if (whole) redraw(s);
      else update(s);
      fill(count, `${shown} shown of ${s.requests.length} kept${s.skipped > 0 ? ` (${s.skipped} not sent to the page under load)` : ''}`);
    },
  };
}

/** One request: a tbody holding its row and, for a failure, its error and stack. */
function row(r: RequestRecord): HTMLElement {
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
  if (!bad || (r.error === undefined && r.stack === undefined)) return h('tbody', {}, main);
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
  return h('tbody', {}, main, detail);
}
