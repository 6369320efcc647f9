/** Attributes of h(): strings (or false to leave out), and on<event> listeners. */
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;
type Child = Node | string | number | false | null | undefined | Child[];

/** Creates an element: h('td', { class: 'fail' }, 'text', child). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k in el && k !== 'class' && k !== 'style' && !k.startsWith('data-')) (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k === 'class' ? 'class' : k, String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === false || c === null || c === undefined) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

const timeOfDay = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function clock(ms: number): string {
  return timeOfDay.format(ms);
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '–';
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** file:line:col of a broken file, relative to the functions dir when it is under it. */
export function where(file: string, line?: number, col?: number): string {
  return `${file}${line !== undefined ? `:${line}` : ''}${line !== undefined && col !== undefined ? `:${col}` : ''}`;
}

/** A table head; columns in `numeric` are right-aligned like their cells. */
export function thead(columns: string[], numeric: string[] = []): HTMLElement {
  return h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { class: numeric.includes(c) ? 'num' : undefined }, c))));
}
