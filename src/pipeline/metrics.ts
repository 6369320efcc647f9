/**
 * A small Prometheus registry. Series are resolved once, when a component is
 * built (`counter(...)` returns the series object), so the hot path is an
 * addition on a field, never a label lookup.
 */
export type Labels = Record<string, string>;

export interface Counter {
  inc(n?: number): void;
  readonly value: number;
}

export interface Histogram {
  /** Observes a duration in seconds. */
  observe(seconds: number): void;
}

/** Latency buckets in seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class CounterSeries implements Counter {
  value = 0;
  constructor(readonly labels: string) {}
  inc(n = 1): void {
    this.value += n;
  }
}

class HistogramSeries implements Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(
    readonly labels: string,
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

interface Family {
  help: string;
  type: 'counter' | 'histogram';
  series: Map<string, CounterSeries | HistogramSeries>;
}

/** Series computed when scraped (plugin restarts come from the plugin runtime's health). */
export interface CollectedFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: Array<{ labels: Labels; value: number }>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => CollectedFamily[]> = [];

  /** Adds series computed at scrape time. */
  collect(fn: () => CollectedFamily[]): void {
    this.collectors.push(fn);
  }

  counter(name: string, help: string, labels: Labels): Counter {
    return this.series(name, help, 'counter', labels, (l) => new CounterSeries(l)) as CounterSeries;
  }

  histogram(name: string, help: string, labels: Labels, buckets: readonly number[] = LATENCY_BUCKETS): Histogram {
    return this.series(name, help, 'histogram', labels, (l) => new HistogramSeries(l, buckets)) as HistogramSeries;
  }

  /** Drops every series carrying `label=value` (a removed stream's). */
  forget(label: string, value: string): void {
    const needle = `${label}="${escapeLabel(value)}"`;
    for (const f of this.families.values()) {
      for (const key of f.series.keys()) if (key.split(',').includes(needle)) f.series.delete(key);
    }
  }

  /** The Prometheus text exposition format (0.0.4). */
  render(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const s of f.series.values()) {
        if (s instanceof CounterSeries) {
          out.push(`${name}${braces(s.labels)} ${s.value}`);
          continue;
        }
        let cumulative = 0;
        s.buckets.forEach((b, i) => {
          cumulative += s.counts[i] as number;
          out.push(`${name}_bucket${braces(join(s.labels, `le="${b}"`))} ${cumulative}`);
        });
        out.push(`${name}_bucket${braces(join(s.labels, 'le="+Inf"'))} ${s.count}`);
        out.push(`${name}_sum${braces(s.labels)} ${s.sum}`, `${name}_count${braces(s.labels)} ${s.count}`);
      }
    }
    for (const collect of this.collectors) {
      for (const f of collect()) {
        out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
        for (const v of f.values) out.push(`${f.name}${braces(labelText(v.labels))} ${v.value}`);
      }
    }
    return out.join('\n') + '\n';
  }

  private series<S extends CounterSeries | HistogramSeries>(
    name: string,
    help: string,
    type: Family['type'],
    labels: Labels,
    make: (labels: string) => S,
  ): S {
    let f = this.families.get(name);
    if (!f) {
      f = { help, type, series: new Map() };
      this.families.set(name, f);
    }
    const key = labelText(labels);
    let s = f.series.get(key);
    if (!s) {
      s = make(key);
      f.series.set(key, s);
    }
    return s as S;
  }
}

function labelText(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function braces(labels: string): string {
  return labels === '' ? '' : `{${labels}}`;
}

function join(a: string, b: string): string {
  return a === '' ? b : `${a},${b}`;
}
