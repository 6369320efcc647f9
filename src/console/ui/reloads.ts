import { clock, fill, h, where } from './dom.js';
import type { ConsoleState } from './state.js';

/** What is broken now (file:line:col, until fixed) and a timeline of reloads, newest first. */
export function createReloadsPanel(root: HTMLElement): { render(s: ConsoleState): void } {
  return {
    render(s) {
      const broken = s.broken.length
        ? h(
            'div',
            { class: 'broken', 'data-testid': 'broken' },
            h('h3', {}, `Broken (${s.broken.length}) — the previous version keeps serving`),
            ...s.broken.map((b) => h('div', { class: 'broken-file' }, h('code', {}, where(b.file, b.line, b.col)), h('div', {}, b.message), b.hint ? h('div', { class: 'muted' }, `hint: ${b.hint}`) : null)),
          )
        : h('p', { class: 'ok' }, 'Nothing broken.');
      const items = [...s.reloads].reverse().map((r) =>
        h(
          'li',
          { class: r.failed.length || (r.changes.length === 0 && r.broken.length) ? 'reload fail' : 'reload' },
          h('div', { class: 'reload-head' }, h('span', { class: 'time' }, clock(r.time)), h('span', { class: 'ms' }, `${r.ms} ms`), h('span', {}, r.changes.join(', ') || (r.broken.length ? 'not applied: see Broken above' : 'fixed; nothing else to apply'))),
          h('div', { class: 'muted' }, r.files.join(', ')),
          ...r.failed.map((f) => h('div', { class: 'error' }, `${f.what} kept its previous version: `, h('pre', {}, f.error))),
        ),
      );
      fill(root, broken, h('h3', {}, 'Reloads'), items.length ? h('ol', { class: 'timeline' }, ...items) : h('p', { class: 'muted' }, 'No reloads yet: save a file in the functions dir.'));
    },
  };
}
