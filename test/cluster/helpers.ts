import { readFileSync } from 'node:fs';
import type { ClusterStatus } from '../../src/cluster/index.js';

/** The status file a `run --workers --status-file` primary writes; undefined until it exists. */
export function readStatus(file: string): ClusterStatus | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ClusterStatus;
  } catch {
    return undefined;
  }
}

/** Worker pids of one generation. */
export function workerPids(s: ClusterStatus, generation = s.generation): number[] {
  return s.slots.filter((x) => x.generation === generation && x.pid !== undefined).map((x) => x.pid as number);
}

/** Serving, every worker of the serving generation ready, nothing else left running. */
export function settled(s: ClusterStatus | undefined): s is ClusterStatus {
  return s !== undefined && s.phase === 'serving' && s.ready && s.slots.length === s.workers && s.slots.every((x) => x.ready && x.generation === s.generation);
}
