import type { Batch, ProcessorDef, SpecProblem } from '../../core/index.js';
import { nonNegative } from './checks.js';

interface SplitConf {
  size: number;
  byte_size: number;
}

/**
 * Breaks a batch into batches of at most `size` messages and, when
 * `byte_size` is set, at most that many payload bytes (a single message
 * bigger than `byte_size` travels alone). Batch policies create batches but
 * never split them; this is how an oversized batch is cut down.
 */
export const splitDef: ProcessorDef = {
  spec: {
    name: 'split',
    kind: 'processor',
    summary: 'Breaks a batch into smaller batches by message count and/or payload bytes.',
    fields: [
      { name: 'size', type: 'int', default: 1, check: nonNegative, description: 'Most messages per batch (0: no limit).' },
      { name: 'byte_size', type: 'int', default: 0, check: nonNegative, description: 'Most payload bytes per batch (0: no limit).' },
    ],
    lint: sizeHidesByteSize,
  },
  build(conf) {
    const { size, byte_size: byteSize } = conf.config as SplitConf;
    return {
      async processBatch(batch) {
        const out: Batch[] = [];
        let next: Batch = [];
        let bytes = 0;
        for (const msg of batch) {
          const n = byteSize > 0 ? msg.byteSize() : 0;
          const full = (size > 0 && next.length >= size) || (byteSize > 0 && bytes + n > byteSize);
          if (full && next.length > 0) {
            out.push(next);
            next = [];
            bytes = 0;
          }
          next.push(msg);
          bytes += n;
        }
        if (next.length > 0) out.push(next);
        return out;
      },
      async close() {},
    };
  },
};

/** With `size: 1` (the default) every message is alone, so `byte_size` never matters. */
function sizeHidesByteSize(config: unknown): SpecProblem[] {
  const { size, byte_size: byteSize } = config as SplitConf;
  if (!(byteSize > 0 && size === 1)) return [];
  return [
    {
      severity: 'warning',
      path: 'byte_size',
      message: 'byte_size has no effect while size is 1 (the default): every message ends up in a batch of its own',
      hint: 'set size: 0 to split by bytes alone, or a larger size to combine both limits',
    },
  ];
}
