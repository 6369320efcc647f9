import { Message, toJSON, type Value, errorMessage } from '../core/index.js';
import { ExprSyntaxError, compileMapping } from '../expr/index.js';
import type { PlaygroundResult } from './wire.js';

/** What the playground sends: a message (payload text and metadata) and a mapping. */
export interface PlaygroundRequest {
  mapping: string;
  input: string;
  metadata?: Record<string, unknown>;
}

/** Source text of a mapping the playground compiles at most (the input message is bounded by the request body). */
const MAX_MAPPING = 64 * 1024;

/**
 * Runs a mapping on one message, like `rpk connect blobl server`: the new
 * payload and metadata, or where the mapping fails to parse (line, col) or
 * why it fails on this message. Uses the host's own expression language, so
 * what works here works in a `mapping` processor.
 */
export function runPlayground(req: PlaygroundRequest): PlaygroundResult {
  if (typeof req.mapping !== 'string' || typeof req.input !== 'string') {
    return { ok: false, stage: 'parse', error: 'send JSON {"mapping": string, "input": string, "metadata"?: object}' };
  }
  if (req.mapping.length > MAX_MAPPING) return { ok: false, stage: 'parse', error: `the mapping is over ${MAX_MAPPING} characters` };
  let mapping;
  try {
    mapping = compileMapping(req.mapping);
  } catch (err) {
    if (err instanceof ExprSyntaxError) return { ok: false, stage: 'parse', error: err.message, line: err.line, col: err.col };
    return { ok: false, stage: 'parse', error: errorMessage(err) };
  }
  const meta = new Map<string, Value>();
  for (const [k, v] of Object.entries(req.metadata ?? {})) meta.set(k, v as Value);
  try {
    const out = mapping.apply([new Message(req.input, meta)], 0);
    if (out === null) return { ok: true, output: '', metadata: {}, deleted: true };
    const metadata: Record<string, unknown> = {};
    for (const [k, v] of out.metadata) metadata[k] = JSON.parse(toJSON(v)) as unknown;
    return { ok: true, output: out.text(), metadata, deleted: false };
  } catch (err) {
    return { ok: false, stage: 'execute', error: errorMessage(err) };
  }
}
