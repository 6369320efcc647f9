import './style.css';
import { createChartsPanel } from './charts.js';
import { fill, h } from './dom.js';
import { createPlayground } from './playground.js';
import { createPluginsPanel } from './plugins.js';
import { createReloadsPanel } from './reloads.js';
import { createRequestsPanel } from './requests.js';
import { createRoutesPanel } from './routes.js';
import { MAX_POINTS, MAX_REQUESTS, failed, type ConsoleState, type ConsoleUpdate } from './state.js';

const PREFIX = '/_hotplug/';
const TABS = ['routes', 'requests', 'plugins', 'reloads', 'charts', 'playground'] as const;
type Tab = (typeof TABS)[number];

const state: ConsoleState = { connected: false, routes: [], plugins: [], requests: [], received: 0, snapshots: 0, skipped: 0, points: [], reloads: [], broken: [] };

const app = document.getElementById('app') as HTMLElement;
const status = h('span', { class: 'conn', 'data-testid': 'conn' });
const nav = h('nav');
const panels = Object.fromEntries(TABS.map((t) => [t, h('section', { id: `panel-${t}`, class: 'panel', 'data-panel': t })])) as Record<Tab, HTMLElement>;
fill(app, h('header', {}, h('h1', {}, 'hotplug', h('span', { class: 'muted' }, ' dev console')), nav, status), ...TABS.map((t) => panels[t]));

const views: Partial<Record<Tab, { render(s: ConsoleState): void }>> = {
  routes: createRoutesPanel(panels.routes),
  requests: createRequestsPanel(panels.requests),
  plugins: createPluginsPanel(panels.plugins),
  reloads: createReloadsPanel(panels.reloads),
  charts: createChartsPanel(panels.charts),
};
createPlayground(panels.playground, PREFIX);

/**
 * Panels whose data changed since they were drawn. Drawing waits for an animation frame (none come
 * while the tab is hidden, so a hidden console draws nothing) and happens at most every DRAW_MS, however
 * often the server sends: a busy server costs the page one redraw a second, of the visible panel only
 * (a request after a quiet spell is drawn at once).
 */
const stale = new Set<Tab>(TABS);
const DRAW_MS = 1000;
let drawnAt = -DRAW_MS;
/** The pending draw: a timer, then an animation frame (a direct draw cancels it, so only one is ever pending). */
let timer: ReturnType<typeof setTimeout> | undefined;
let frame: number | undefined;
const current = (): Tab => {
  const t = location.hash.slice(1) as Tab;
  return TABS.includes(t) ? t : 'routes';
};

function draw(): void {
  clearTimeout(timer);
  if (frame !== undefined) cancelAnimationFrame(frame);
  timer = frame = undefined;
  drawnAt = performance.now();
  const tab = current();
  for (const t of TABS) panels[t].hidden = t !== tab;
  drawNav();
  if (stale.has(tab)) {
    stale.delete(tab);
    views[tab]?.render(state);
  }
}

function changed(...tabs: Tab[]): void {
  for (const t of tabs) stale.add(t);
  if (timer !== undefined || frame !== undefined) return;
  timer = setTimeout(() => {
    timer = undefined;
    frame = requestAnimationFrame(draw);
  }, Math.max(0, drawnAt + DRAW_MS - performance.now()));
}

function drawNav(): void {
  const tab = current();
  const fails = state.requests.filter(failed).length;
  const label: Record<Tab, string> = {
    routes: `Routes (${state.routes.length})`,
    requests: `Requests (${state.requests.length}${fails ? `, ${fails} failed` : ''})`,
    plugins: `Plugins (${state.plugins.length})`,
    reloads: `Reloads (${state.reloads.length})${state.broken.length ? ' ⚠' : ''}`,
    charts: 'Charts',
    playground: 'Playground',
  };
  // Drawn only when something in it changed.
  const key = JSON.stringify([tab, label, state.connected, state.broken.length]);
  if (key === navKey) return;
  navKey = key;
  fill(nav, ...TABS.map((t) => h('a', { href: `#${t}`, class: t === tab ? 'active' : state.broken.length && t === 'reloads' ? 'warn' : '' }, label[t])));
  fill(status, state.connected ? '● live' : '○ reconnecting…');
  status.className = state.connected ? 'conn live' : 'conn';
}
let navKey = '';

window.addEventListener('hashchange', draw);
draw();

const events = new EventSource(`${PREFIX}events`);
const on = <T>(name: string, fn: (data: T) => void): void => events.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent<string>).data) as T));
events.onopen = () => {
  state.connected = true;
  drawNav();
};
events.onerror = () => {
  state.connected = false;
  drawNav();
};
on<Pick<ConsoleState, 'routes' | 'plugins' | 'requests' | 'points' | 'reloads' | 'broken'>>('snapshot', (d) => {
  Object.assign(state, d, { connected: true, skipped: 0, snapshots: state.snapshots + 1, received: state.received + d.requests.length });
  changed(...TABS);
});
on<ConsoleUpdate>('update', (d) => {
  if (d.requests) {
    state.requests.push(...d.requests.requests);
    state.received += d.requests.requests.length;
    if (state.requests.length > MAX_REQUESTS) state.requests.splice(0, state.requests.length - MAX_REQUESTS);
    state.skipped += d.requests.skipped;
    changed('requests');
  }
  if (d.points) {
    state.points.push(...d.points);
    if (state.points.length > MAX_POINTS) state.points.splice(0, state.points.length - MAX_POINTS);
    changed('charts');
  }
  if (d.plugins) {
    state.plugins = d.plugins;
    changed('plugins');
  }
});
on<{ record: ConsoleState['reloads'][number]; routes: ConsoleState['routes'] }>('reload', (d) => {
  state.reloads.push(d.record);
  state.broken = d.record.broken;
  state.routes = d.routes;
  changed('reloads', 'routes');
});
