import { fill, h } from './dom.js';
import type { ChartPoint, ConsoleState, RouteSecond } from './state.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 120;
/** At most five minutes; at least one, so a fresh page does not draw a few points across the whole width. */
const MAX_WINDOW_S = 300;
const MIN_WINDOW_S = 60;

interface Series {
  name: string;
  cls: string;
  value: (r: RouteSecond) => number;
}

/** Requests/s, p50/p99 latency and errors/s of one route (or all) over the last five minutes. */
export function createChartsPanel(root: HTMLElement): { render(s: ConsoleState): void } {
  const route = h('select', { name: 'chart-route', onchange: () => last && draw(last) });
  const charts = [
    createChart('requests/s', [{ name: 'requests/s', cls: 'rps', value: (r) => r.count }]),
    createChart('latency (ms)', [
      { name: 'p50', cls: 'p50', value: (r) => r.p50 },
      { name: 'p99', cls: 'p99', value: (r) => r.p99 },
    ]),
    createChart('errors/s', [{ name: 'errors/s', cls: 'err', value: (r) => r.errors }]),
  ];
  fill(
    root,
    h('div', { class: 'filters' }, h('label', {}, 'Route ', route), h('span', { class: 'muted' }, 'one point a second, up to the last 5 minutes')),
    h('div', { class: 'charts' }, ...charts.map((c) => c.figure)),
  );
  let last: ConsoleState | undefined;
  let routeNames = '';

  const draw = (s: ConsoleState): void => {
    const want = route.value || '*';
    const names = [...new Set(s.points.flatMap((p) => p.routes.map((r) => r.route)))].filter((r) => r !== '*').sort();
    if (names.join('\n') !== routeNames) {
      routeNames = names.join('\n');
      fill(route, h('option', { value: '*' }, 'all routes'), ...names.map((n) => h('option', { value: n, selected: n === want }, n)));
    }
    const seconds = window(s.points).map((p) => p?.routes.find((x) => x.route === want));
    for (const c of charts) c.update(seconds);
  };

  return {
    render(s) {
      last = s;
      draw(s);
    },
  };
}

/** The seconds to draw, one slot a second (undefined where no point was recorded). */
function window(points: ChartPoint[]): Array<ChartPoint | undefined> {
  const end = points.at(-1)?.t ?? Math.floor(Date.now() / 1000);
  const start = points[0]?.t ?? end;
  const span = Math.min(MAX_WINDOW_S, Math.max(MIN_WINDOW_S, end - start + 1));
  const byT = new Map(points.map((p) => [p.t, p]));
  return Array.from({ length: span }, (_, i) => byT.get(end - span + 1 + i));
}

/** One chart, built once; a redraw sets its lines' points and the legend's numbers. */
function createChart(title: string, series: Series[]): { figure: HTMLElement; update(seconds: Array<RouteSecond | undefined>): void } {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  for (const frac of [0.25, 0.5, 0.75]) {
    const y = String(HEIGHT - frac * HEIGHT);
    svg.appendChild(el('line', { x1: '0', x2: String(WIDTH), y1: y, y2: y, class: 'grid' }));
  }
  const lines = series.map((s) => svg.appendChild(el('polyline', { points: '', class: `line ${s.cls}` })));
  const max = h('span', { class: 'muted' });
  const legends = series.map((s) => h('span', { class: `legend ${s.cls}` }));
  const span = h('span', {});
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, h('strong', {}, title), max, ...legends), svg, h('div', { class: 'axis muted' }, span, h('span', {}, 'now')));
  return {
    figure,
    update(seconds) {
      const values = series.map((s) => seconds.map((r) => (r ? s.value(r) : 0)));
      const top = Math.max(1, ...values.flat());
      const step = WIDTH / Math.max(1, seconds.length - 1);
      values.forEach((vs, i) => {
        lines[i]!.setAttribute('points', vs.map((v, x) => `${(x * step).toFixed(1)},${(HEIGHT - (v / top) * (HEIGHT - 4)).toFixed(1)}`).join(' '));
        legends[i]!.textContent = ` · ${series[i]!.name} ${fmt(vs.at(-1) ?? 0)}`;
      });
      max.textContent = ` max ${fmt(top)}`;
      span.textContent = `−${seconds.length} s`;
    },
  };
}

function el(tag: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function fmt(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 100) / 100);
}
