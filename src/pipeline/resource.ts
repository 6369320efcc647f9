import type { InputDef, OutputDef } from '../core/index.js';

/**
 * `resource: NAME` as an input or output. The stream builder resolves these
 * itself (build.ts); the defs exist so the config loader knows how they are
 * written.
 */
export const resourceInput: InputDef = {
  spec: { name: 'resource', kind: 'input', summary: 'Uses an input declared under input_resources.', value: { name: 'resource', type: 'string' } },
  build: (conf, ctx) => ctx.buildInput(conf),
};

export const resourceOutput: OutputDef = {
  spec: { name: 'resource', kind: 'output', summary: 'Uses an output declared under output_resources.', value: { name: 'resource', type: 'string' } },
  build: (conf, ctx) => ctx.buildOutput(conf),
};
