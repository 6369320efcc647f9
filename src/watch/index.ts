export { createDevWatcher, type DevWatcher, type DevWatcherOptions, type ReloadTarget } from './dev-watcher.js';
export { planReload, pluginsUsed, type ReloadPlan, type RunningState } from './plan.js';
export { isIgnoredPath } from './ignore.js';
export { brokenFiles, type BrokenFile, type ReloadRecord } from './reload-record.js';
export { snapshotFiles, type FileSnapshot } from './fingerprint.js';
