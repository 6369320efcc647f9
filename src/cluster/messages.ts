/**
 * What the primary and its workers say over the cluster IPC channel. Every
 * message carries `hotplug` so others on the channel (prom-client's cluster
 * metrics) are told apart.
 */

/** A worker's own readiness (its /ready without the cluster gate), sent when it changes. */
export interface WorkerReady {
  hotplug: 'ready';
  ready: boolean;
  /** A component that crashed or gave up: a new generation with it is abandoned at once. */
  failed?: string;
}

/** A worker asks for the metrics of the whole cluster (to answer GET /metrics). */
export interface MetricsAsk {
  hotplug: 'metrics?';
  id: number;
}

/** A worker's own metrics (prom-client JSON), answering the primary's Collect. */
export interface MetricsPart {
  hotplug: 'metrics-json';
  id: number;
  json: unknown[];
}

export type ToPrimary = WorkerReady | MetricsAsk | MetricsPart;

/** The cluster's readiness, which every worker's /ready includes. */
export interface ClusterView {
  hotplug: 'cluster';
  ready: boolean;
  detail: Record<string, unknown>;
}

/** Stop taking connections, finish the open ones, stop the host and exit. */
export interface Drain {
  hotplug: 'drain';
}

export interface MetricsAnswer {
  hotplug: 'metrics';
  id: number;
  text?: string;
  error?: string;
}

/** The primary asks every worker for its metrics. */
export interface Collect {
  hotplug: 'collect';
  id: number;
}

export type ToWorker = ClusterView | Drain | MetricsAnswer | Collect;

export function isHotplugMessage<T extends { hotplug: string }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { hotplug?: unknown }).hotplug === 'string';
}
