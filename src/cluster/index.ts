export { runPrimary, type ClusterStatus, type Phase, type PrimaryOptions, type ReloadStatus } from './primary.js';
export { serveAsWorker } from './worker.js';
export { parseWorkers } from './workers-flag.js';
