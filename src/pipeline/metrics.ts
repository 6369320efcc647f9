import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Metric, MetricObjectWithValues, MetricValue } from 'prom-client';

/**
 * Metrics exposed through a prom-client registry. Series are resolved once,
 * when a component is built (`counter(...)` returns the series object), so the
 * hot path is an addition on a field, never a label lookup: prom-client's own
 * `inc(labels)` hashes and validates the labels on every call (~0.5 µs, several
 * per request). The registry reads the fields when scraped, so exposition,
 * default process metrics and cluster aggregation (`AggregatorRegistry`, which
 * works on `registry.getMetricsAsJSON()`) all come from prom-client.
 */
export type Labels = Record<string, string>;

export interface Counter {
  inc(n?: number): void;
  readonly value: number;
}

export interface Gauge {
  set(v: number): void;
  inc(n?: number): void;
  dec(n?: number): void;
  readonly value: number;
}

export interface Histogram {
  /** Observes a duration in seconds. */
  observe(seconds: number): void;
}

/** Latency buckets in seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class ValueSeries implements Counter, Gauge {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(n = 1): void {
    this.value += n;
  }
  dec(n = 1): void {
    this.value -= n;
  }
  set(v: number): void {
    this.value = v;
  }
}

class HistogramSeries implements Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Labels,
    readonly buckets: readonly number[],
  ) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (seconds <= (this.buckets[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }
}

type Series = ValueSeries | HistogramSeries;

/** Series computed when scraped (plugin restarts come from the plugin runtime's health). */
export interface CollectedFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: Array<{ labels: Labels; value: number }>;
}

interface FamilyValue {
  labels: Record<string, string | number>;
  value: number;
  /** `name_bucket`, `name_sum`, `name_count` for a histogram's lines. */
  metricName?: string;
}

interface FamilyValues {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  aggregator: 'sum';
  values: FamilyValue[];
}

/**
 * What prom-client's `registerMetric` reads of a metric (its typings declare
 * the full class and a numeric enum for `type`; at runtime it is this string).
 */
interface Registrable {
  readonly name: string;
  get(): Promise<FamilyValues>;
  reset(): void;
}

function register(registry: Registry, metric: Registrable): void {
  registry.registerMetric(metric as unknown as Metric);
}

/** One metric family: its series, read by the registry when scraped. */
class Family implements Registrable {
  readonly series = new Map<string, Series>();
  /** Counters add across cluster workers; gauges (process-local) too, by default. */
  readonly aggregator = 'sum' as const;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  get(): Promise<FamilyValues> {
    const values: FamilyValue[] = [];
    for (const s of this.series.values()) {
      if (s instanceof ValueSeries) {
        values.push({ labels: s.labels, value: s.value });
        continue;
      }
      let cumulative = 0;
      s.buckets.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Part of prom-client's metric contract (`registry.resetMetrics()`). */
  reset(): void {
    this.series.clear();
  }
}

export interface MetricsOptions {
  /** Adds prom-client's default Node process metrics (CPU, memory, event loop lag, GC, handles). */
  process?: boolean;
}

export class Metrics {
  /** The prom-client registry holding this host's families (cluster aggregation reads it). */
  readonly registry = new Registry();
  private readonly families = new Map<string, Family>();
  private readonly withProcess: boolean;

  constructor(opts: MetricsOptions = {}) {
    this.withProcess = opts.process === true;
    if (this.withProcess) processRegistry();
  }

  /** Adds series computed at scrape time; `fn` is called once now to learn the family names. */
  collect(fn: () => CollectedFamily[]): void {
    for (const first of fn()) {
      register(this.registry, {
        name: first.name,
        get: () => {
          const f = fn().find((c) => c.name === first.name);
          return Promise.resolve({ name: first.name, help: first.help, type: first.type, aggregator: 'sum', values: f?.values ?? [] });
        },
        reset: () => {},
      });
    }
  }

  counter(name: string, help: string, labels: Labels): Counter {
    return this.series(name, help, 'counter', labels, () => new ValueSeries(labels)) as ValueSeries;
  }

  gauge(name: string, help: string, labels: Labels): Gauge {
    return this.series(name, help, 'gauge', labels, () => new ValueSeries(labels)) as ValueSeries;
  }

  histogram(name: string, help: string, labels: Labels, buckets: readonly number[] = LATENCY_BUCKETS): Histogram {
    return this.series(name, help, 'histogram', labels, () => new HistogramSeries(labels, buckets)) as HistogramSeries;
  }

  /** Drops every series carrying `label=value` (a removed stream's). */
  forget(label: string, value: string): void {
    for (const f of this.families.values()) {
      for (const [key, s] of f.series) if (s.labels[label] === value) f.series.delete(key);
    }
  }

  /** The Prometheus text exposition format (0.0.4): this host's families, then the process metrics when enabled. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    return this.withProcess ? `${own}\n${await processRegistry().metrics()}` : own;
  }

  /** The same as prom-client JSON (what `AggregatorRegistry.aggregate` sums across cluster workers). */
  async json(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    const own = await this.registry.getMetricsAsJSON();
    return this.withProcess ? [...own, ...(await processRegistry().getMetricsAsJSON())] : own;
  }

  /** The content type of `render()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  private series<S extends Series>(name: string, help: string, type: Family['type'], labels: Labels, make: () => S): S {
    let f = this.families.get(name);
    if (!f) {
      f = new Family(name, help, type);
      this.families.set(name, f);
      register(this.registry, f);
    } else if (f.type !== type) {
      throw new Error(`metric ${name} is a ${f.type}, not a ${type}`);
    }
    const key = seriesKey(labels);
    let s = f.series.get(key);
    if (!s) {
      s = make();
      f.series.set(key, s);
    }
    return s as S;
  }
}

function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels));
}

let processMetrics: Registry | undefined;

/** Process metrics are per process, so one registry serves every Metrics in it (tests start many hosts). */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
