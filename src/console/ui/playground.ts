import { fill, h } from './dom.js';
import type { PlaygroundResult } from '../wire.js';

const EXAMPLE_INPUT = '{"name": "Ada", "langs": ["ts", "python"]}';
const EXAMPLE_MAPPING = 'root.greeting = "hello " + this.name.uppercase()\nroot.count = this.langs.length()\nmeta source = "playground"';

/** Input message + mapping → output or error, evaluated by the host's own expression language as you type. */
export function createPlayground(root: HTMLElement, prefix: string): void {
  const input = h('textarea', { name: 'input', rows: 8, spellcheck: false, value: EXAMPLE_INPUT });
  const metadata = h('textarea', { name: 'metadata', rows: 3, spellcheck: false, value: '{}' });
  const mapping = h('textarea', { name: 'mapping', rows: 8, spellcheck: false, value: EXAMPLE_MAPPING });
  const output = h('div', { class: 'pg-output', 'data-testid': 'pg-output' });
  fill(
    root,
    h(
      'div',
      { class: 'playground' },
      h('div', {}, h('label', {}, 'Input message', input), h('label', {}, 'Metadata (JSON object)', metadata)),
      h('div', {}, h('label', {}, 'Mapping', mapping)),
      h('div', {}, h('h3', {}, 'Output'), output),
    ),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  const run = async (): Promise<void> => {
    const mine = ++seq;
    let meta: unknown;
    try {
      meta = JSON.parse(metadata.value || '{}');
    } catch (err) {
      fill(output, h('pre', { class: 'error' }, `metadata is not JSON: ${(err as Error).message}`));
      return;
    }
    try {
      const res = await fetch(`${prefix}api/mapping`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ mapping: mapping.value, input: input.value, metadata: meta }) });
      const r = (await res.json()) as PlaygroundResult;
      if (mine !== seq) return;
      if (!r.ok) {
        const at = r.line !== undefined ? ` (line ${r.line}, column ${r.col ?? '?'})` : '';
        fill(output, h('pre', { class: 'error' }, `${r.stage === 'parse' ? 'mapping does not parse' : 'mapping failed on this message'}${at}:\n${r.error}`));
        return;
      }
      fill(
        output,
        h('pre', { class: 'result' }, r.deleted ? '(message deleted)' : pretty(r.output)),
        Object.keys(r.metadata).length ? h('div', {}, h('h4', {}, 'Metadata'), h('pre', {}, JSON.stringify(r.metadata, null, 2))) : null,
      );
    } catch (err) {
      if (mine === seq) fill(output, h('pre', { class: 'error' }, `the console could not reach hotplug: ${(err as Error).message}`));
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), 150);
  };
  for (const t of [input, metadata, mapping]) t.addEventListener('input', later);
  void run();
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
