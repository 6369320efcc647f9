import type { ProcessorDef } from '../../core/index.js';
import { archiveDef } from './archive.js';
import { catchDef } from './catch.js';
import { compressDef, decompressDef } from './compress.js';
import { forEachDef } from './for-each.js';
import { groupByDef } from './group-by.js';
import { groupByValueDef } from './group-by-value.js';
import { logDef } from './log.js';
import { resourceDef } from './resource.js';
import { selectPartsDef } from './select-parts.js';
import { sleepDef } from './sleep.js';
import { splitDef } from './split.js';
import { switchDef } from './switch.js';
import { tryDef } from './try.js';
import { unarchiveDef } from './unarchive.js';
import { whileDef } from './while.js';

/**
 * The batch-wide and control-flow processors (Redpanda Connect's names and
 * semantics), for the pipeline's component registry.
 */
export const batchProcessorDefs: ProcessorDef[] = [
  splitDef,
  selectPartsDef,
  archiveDef,
  unarchiveDef,
  compressDef,
  decompressDef,
  groupByValueDef,
  groupByDef,
  forEachDef,
  whileDef,
  catchDef,
  tryDef,
  switchDef,
  resourceDef,
  logDef,
  sleepDef,
];

export { ARCHIVE_FILENAME } from './unarchive.js';
