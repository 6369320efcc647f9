import { Registry } from './registry.js';
import { httpServerInput } from './http/server-input.js';
import { httpClientOutput } from './http/client-output.js';
import { brokerInput } from './inputs/broker.js';
import { generateInput } from './inputs/generate.js';
import { stdinInput } from './inputs/stdin.js';
import { brokerOutput } from './outputs/broker.js';
import { dropOutput } from './outputs/drop.js';
import { resourceInput, resourceOutput } from './resource.js';
import { stdoutOutput } from './outputs/stdout.js';
import { syncResponseOutput } from './outputs/sync-response.js';
import { batchProcessorDefs } from './processors/index.js';
import { bloblangProcessor, mappingProcessor } from './processors/mapping.js';
import { syncResponseProcessor } from './processors/sync-response.js';

/** A registry holding every built-in component (plugins are added by the host). */
export function createRegistry(): Registry {
  const r = new Registry();
  for (const def of [httpServerInput, generateInput, stdinInput, brokerInput, resourceInput]) r.add(def);
  for (const def of [httpClientOutput, brokerOutput, dropOutput, stdoutOutput, syncResponseOutput, resourceOutput]) r.add(def);
  for (const def of [mappingProcessor, bloblangProcessor, syncResponseProcessor, ...batchProcessorDefs]) r.add(def);
  return r;
}
