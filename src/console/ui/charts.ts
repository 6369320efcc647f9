import { fill, h } from './dom.js';
import type { ChartPoint, ConsoleState } from './state.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 120;
/** At most five minutes; at least one, so a fresh page does not draw a few points across the whole width. */
const MAX_WINDOW_S = 300;
const MIN_WINDOW_S = 60;

interface Series {
  name: string;
  cls: string;
  values: number[];
}

/** Requests/s, p50/p99 latency and errors/s of one route (or all) over the last five minutes. */
export function createChartsPanel(root: HTMLElement): { render(s: ConsoleState): void } {
  const route = h('select', { name: 'chart-route', onchange: () => last && draw(last) });
  const charts = h('div', { class: 'charts' });
  fill(root, h('div', { class: 'filters' }, h('label', {}, 'Route ', route), h('span', { class: 'muted' }, 'one point a second, up to the last 5 minutes')), charts);
  let last: ConsoleState | undefined;

  const draw = (s: ConsoleState): void => {
    const want = route.value || '*';
    const names = [...new Set(s.points.flatMap((p) => p.routes.map((r) => r.route)))].filter((r) => r !== '*').sort();
    fill(route, h('option', { value: '*' }, 'all routes'), ...names.map((n) => h('option', { value: n, selected: n === want }, n)));
    const pts = window(s.points);
    const pick = (f: (r: { count: number; errors: number; p50: number; p99: number }) => number): number[] =>
      pts.map((p) => {
        const r = p?.routes.find((x) => x.route === want);
        return r ? f(r) : 0;
      });
    fill(
      charts,
      chart('requests/s', [{ name: 'requests/s', cls: 'rps', values: pick((r) => r.count) }]),
      chart('latency (ms)', [
        { name: 'p50', cls: 'p50', values: pick((r) => r.p50) },
        { name: 'p99', cls: 'p99', values: pick((r) => r.p99) },
      ]),
      chart('errors/s', [{ name: 'errors/s', cls: 'err', values: pick((r) => r.errors) }]),
    );
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

function chart(title: string, series: Series[]): HTMLElement {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  for (const frac of [0.25, 0.5, 0.75]) {
    const y = String(HEIGHT - frac * HEIGHT);
    svg.appendChild(el('line', { x1: '0', x2: String(WIDTH), y1: y, y2: y, class: 'grid' }));
  }
  for (const s of series) {
    const step = WIDTH / Math.max(1, s.values.length - 1);
    const d = s.values.map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - (v / max) * (HEIGHT - 4)).toFixed(1)}`).join(' ');
    svg.appendChild(el('polyline', { points: d, class: `line ${s.cls}` }));
  }
  const now = series.map((s) => h('span', { class: `legend ${s.cls}` }, ` · ${s.name} ${fmt(s.values.at(-1) ?? 0)}`));
  const seconds = series[0]?.values.length ?? 0;
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, h('strong', {}, title), h('span', { class: 'muted' }, ` max ${fmt(max)}`), ...now),
    svg,
    h('div', { class: 'axis muted' }, h('span', {}, `−${seconds} s`), h('span', {}, 'now')),
  );
}

function el(tag: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function fmt(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 100) / 100);
}
