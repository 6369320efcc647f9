import type { ProcessorDef } from '../../core/index.js';

/**
 * Runs the processor declared under `processor_resources` with this name.
 * The resource is shared and owned by the stream's resources, so closing this
 * reference leaves it open. It is resolved at build, so lint names a missing one.
 */
export const resourceDef: ProcessorDef = {
  spec: {
    name: 'resource',
    kind: 'processor',
    summary: 'Runs a processor resource by name.',
    value: { name: 'resource', type: 'string', description: 'The label of a processor resource.' },
  },
  build(conf, ctx) {
    const target = ctx.resourceProcessor(conf.config as string);
    return {
      processBatch: (batch) => target.processBatch(batch),
      async close() {},
    };
  },
};
