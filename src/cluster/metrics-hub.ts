import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { errorMessage, type Logger } from '../core/index.js';
import type { MetricsAnswer } from './messages.js';

/** How long the primary waits for each worker's part of a scrape; a worker that does not answer is left out. */
const COLLECT_TIMEOUT_MS = 2000;

type Json = MetricObjectWithValues<MetricValue<string>>[];

export interface MetricsHub {
  /** A worker asked (to answer GET /metrics): collect from every worker, sum, answer it. */
  ask(from: Worker, id: number, workers: () => Worker[]): void;
  /** A worker's part arrived. */
  part(id: number, json: unknown[]): void;
}

/**
 * Cluster metrics, as prom-client's AggregatorRegistry does them (counters and
 * histograms summed, process metrics by their own aggregator), over the
 * cluster channel hotplug already uses, so a scrape sums the workers that
 * serve and those still draining, and never waits on one that is gone.
 */
export function createMetricsHub(log: Logger): MetricsHub {
  let next = 0;
  const pending = new Map<number, (json: Json) => void>();
  const collect = (w: Worker): Promise<Json | undefined> =>
    new Promise((resolve) => {
      const id = ++next;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(undefined);
      }, COLLECT_TIMEOUT_MS);
      pending.set(id, (json) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(json);
      });
      w.send({ hotplug: 'collect', id });
    });
  return {
    ask(from, id, workers) {
      void (async () => {
        let answer: MetricsAnswer;
        try {
          const parts = (await Promise.all(workers().map(collect))).filter((p): p is Json => p !== undefined);
          answer = { hotplug: 'metrics', id, text: await AggregatorRegistry.aggregate(parts).metrics() };
        } catch (err) {
          log.warn({ err: errorMessage(err) }, 'cluster metrics failed');
          answer = { hotplug: 'metrics', id, error: errorMessage(err) };
        }
        if (from.isConnected()) from.send(answer);
      })();
    },
    part(id, json) {
      pending.get(id)?.(json as Json);
    },
  };
}
