import { readFileSync } from 'node:fs';
import type { ClusterStatus } from '../../cluster/primary.js';
import type { ReleaseTree } from './releases.js';

export type { ClusterStatus };

/** What the host's cluster primary last wrote to DIR/.hotplug/cluster.json; undefined when nothing (readable) is there. */
export function readClusterStatus(tree: ReleaseTree): ClusterStatus | undefined {
  try {
    return JSON.parse(readFileSync(tree.statusFile, 'utf8')) as ClusterStatus;
  } catch {
    return undefined;
  }
}
