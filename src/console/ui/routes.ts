import { fill, h } from './dom.js';
import type { ConsoleState, RouteView } from './state.js';

/** Routes → stream → components, and a form that sends a request to the selected route. */
export function createRoutesPanel(root: HTMLElement): { render(s: ConsoleState): void } {
  const list = h('div', { class: 'route-list' });
  const method = h('select', { name: 'method' });
  const path = h('input', { name: 'path', type: 'text', spellcheck: false });
  const headers = h('textarea', { name: 'headers', rows: 3, spellcheck: false, placeholder: 'Header: value (one a line)' });
  const body = h('textarea', { name: 'body', rows: 5, spellcheck: false, placeholder: 'request body' });
  const result = h('div', { class: 'try-result', 'data-testid': 'try-result' });
  const send = h('button', { type: 'submit' }, 'Send');
  const form = h(
    'form',
    { class: 'try', onsubmit: (e: Event) => (e.preventDefault(), void tryIt()) },
    h('h3', {}, 'Try it'),
    h('div', { class: 'row' }, method, path, send),
    h('label', {}, 'Headers', headers),
    h('label', {}, 'Body', body),
    result,
  );
  fill(root, h('div', { class: 'split' }, list, form));
  let selected = '';

  const select = (r: RouteView): void => {
    selected = r.path;
    const methods = r.methods.length > 0 ? r.methods : ['GET', 'POST', 'PUT', 'DELETE'];
    fill(method, ...methods.map((m) => h('option', { value: m }, m)));
    path.value = r.path;
    for (const el of list.querySelectorAll('.route')) el.classList.toggle('selected', el.getAttribute('data-path') === r.path);
  };

  async function tryIt(): Promise<void> {
    const init: RequestInit = { method: method.value, headers: parseHeaders(headers.value) };
    if (method.value !== 'GET' && method.value !== 'HEAD') init.body = body.value;
    send.disabled = true;
    fill(result, h('p', { class: 'muted' }, `${method.value} ${path.value} …`));
    const started = performance.now();
    try {
      const res = await fetch(path.value, init);
      const text = await res.text();
      const ms = performance.now() - started;
      fill(
        result,
        h('p', {}, h('span', { class: `status s${String(res.status)[0]}`, 'data-testid': 'try-status' }, res.status), ` ${res.statusText} · ${ms.toFixed(1)} ms`),
        h('pre', { class: 'headers' }, [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')),
        h('pre', { class: 'body', 'data-testid': 'try-body' }, text === '' ? '(empty body)' : text),
      );
    } catch (err) {
      fill(result, h('p', { class: 'error' }, `the request failed: ${(err as Error).message}`));
    } finally {
      send.disabled = false;
    }
  }

  return {
    render(s) {
      if (s.routes.length === 0) {
        fill(list, h('p', { class: 'muted' }, 'No routes: add a pipeline with an http_server input to the functions dir.'));
        return;
      }
      fill(
        list,
        ...s.routes.map((r) =>
          h(
            'div',
            { class: 'route', 'data-path': r.path, onclick: () => select(r) },
            h('div', { class: 'route-head' }, h('span', { class: 'methods' }, r.methods.join(' ') || 'ANY'), h('code', {}, r.path), h('span', { class: 'arrow' }, '→'), h('span', { class: 'stream' }, r.stream)),
            h('div', { class: 'components' }, ...r.components.map((c) => h('span', { class: c.plugin ? 'component plugin' : 'component', title: c.role }, c.label ? `${c.type} (${c.label})` : c.type))),
          ),
        ),
      );
      const again = s.routes.find((r) => r.path === selected) ?? s.routes[0];
      if (again && (selected === '' || again.path !== selected)) select(again);
      else for (const el of list.querySelectorAll('.route')) el.classList.toggle('selected', el.getAttribute('data-path') === selected);
    },
  };
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}
