import { errorMessage, isStruct, type ProcessorDef } from '../../core/index.js';
import type { Mapping } from '../../expr/index.js';
import { interpolate, type Interpolated } from '../expr.js';

const LEVELS = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL', 'NONE'] as const;
type Level = (typeof LEVELS)[number];
const PINO_LEVEL: Record<Exclude<Level, 'NONE'>, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  FATAL: 'fatal',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
  ALL: 'trace',
};

interface LogConf {
  level: Level;
  message: Interpolated;
  fields_mapping?: Mapping;
}

/**
 * Logs one line per message under the stream's logger and passes the batch
 * on unchanged. `fields_mapping` builds the structured fields of the line.
 * A message or mapping that fails to evaluate is logged as such; it never
 * fails the message, as logging is not part of its processing.
 */
export const logDef: ProcessorDef = {
  spec: {
    name: 'log',
    kind: 'processor',
    summary: 'Logs a message per message of the batch.',
    fields: [
      { name: 'level', type: 'string', enum: LEVELS, default: 'INFO', description: 'The log level.' },
      { name: 'message', type: 'string', interpolated: true, default: '', description: 'The line to log.' },
      { name: 'fields_mapping', type: 'string', expression: 'mapping', optional: true, description: 'A mapping whose result object becomes the fields of the line.' },
    ],
  },
  build(conf, ctx) {
    const c = conf.config as LogConf;
    if (c.level === 'NONE') return { processBatch: async (batch) => [batch], close: async () => {} };
    const level = PINO_LEVEL[c.level];
    const log = ctx.log;
    return {
      async processBatch(batch) {
        if (!log.isLevelEnabled(level)) return [batch];
        batch.forEach((_, i) => {
          let text: string;
          let fields: Record<string, unknown> = {};
          try {
            text = interpolate(c.message, batch, i);
            if (c.fields_mapping) {
              const v = c.fields_mapping.apply(batch, i)?.structured();
              if (isStruct(v)) fields = v;
            }
          } catch (err) {
            log.error({ err: errorMessage(err) }, 'log: failed to evaluate the message or fields_mapping');
            return;
          }
          log[level](fields, text);
        });
        return [batch];
      },
      async close() {},
    };
  },
};
