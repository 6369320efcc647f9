/**
 * Worker thread entry: loads and checks a functions dir (src/config's
 * loadDir, with the built-in components) away from the thread that serves
 * requests, and sends back what the host builds from — diagnostics, plugin
 * manifests and the checked streams packed by conf-pack. A save of a big
 * pipeline file then costs the serving thread only the rebuilding.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../core/index.js';
import { loadDir, packLoad, parserFields, type Recipe } from '../config/index.js';
import { compileInterpolation, compileMapping, compileQuery } from '../expr/index.js';
import { createRegistry } from '../pipeline/index.js';
import type { LoadReply, LoadRequest } from './dir-loader.js';

const builtins = createRegistry().allSpecs();
// What each compiled expression and parsed value was made from, so the host's thread can make it again.
const recipes = new WeakMap<object, Recipe>();
const remember = <T>(value: T, recipe: Recipe): T => {
  if (typeof value === 'object' && value !== null) recipes.set(value, recipe);
  return value;
};
parserFields(builtins).forEach((field, parser) => {
  const parse = field.parse!;
  field.parse = (text) => remember(parse(text), { parser, text });
});
const expr = {
  interpolation: (source: string) => remember(compileInterpolation(source), { expr: 'interpolation', source }),
  query: (source: string) => remember(compileQuery(source), { expr: 'query', source }),
  mapping: (source: string) => remember(compileMapping(source), { expr: 'mapping', source }),
};

parentPort?.on('message', ({ id, dir, env }: LoadRequest) => {
  let reply: LoadReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const loaded = loadDir(dir, { builtins, env: (name) => env[name], expr });
    const packed = packLoad(loaded.streams, { manifests: loaded.manifests, found: loaded.discovery.manifests }, loaded.texts, recipes);
    transfer.push(packed.buffer);
    const { manifests: _m, ...discovery } = loaded.discovery;
    reply = { id, ok: true, diagnostics: loaded.diagnostics, discovery, packed };
  } catch (err) {
    reply = { id, ok: false, error: errorMessage(err) };
  }
  parentPort?.postMessage(reply, transfer);
});

