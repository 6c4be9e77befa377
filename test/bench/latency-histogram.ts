// Request latencies of the Consul load generator, kept as a histogram of logarithmic buckets: a run at
// 1,000 pools makes hundreds of thousands of requests, and its worker processes send their counts to the
// harness, which adds them up. Every bucket is 2 % wider than the one below, so a percentile read from it
// is within 2 % of the true value; that is finer than anything a loaded 2-core machine can resolve.
// Pure: no clock, no I/O (unit-tested in latency-histogram.test.ts).

/** The first bucket's upper bound, ms: faster requests all land in bucket 0. */
const FIRST_BOUND_MS = 0.01;
/** Each bucket's upper bound is this factor times the previous one's. */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

/** Counts by bucket index, sparse: what a worker sends to the harness (JSON-safe). */
export type HistogramCounts = Record<string, number>;

/** The bucket a latency falls in: the smallest i with value <= FIRST_BOUND_MS * GROWTH^i. */
export function bucketOf(ms: number): number {
  if (!(ms > FIRST_BOUND_MS)) return 0;
  // The epsilon keeps a value sitting exactly on a bound in that bound's bucket despite rounding.
  return Math.max(0, Math.ceil(Math.log(ms / FIRST_BOUND_MS) / LOG_GROWTH - 1e-9));
}

/** The upper bound of a bucket, ms: what a percentile falling in it is reported as. */
export function upperBoundOf(bucket: number): number {
  return FIRST_BOUND_MS * GROWTH ** bucket;
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private maxMs = 0;

  record(ms: number): void {
    const bucket = bucketOf(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
    this.maxMs = Math.max(this.maxMs, ms);
  }

  get count(): number {
    return this.total;
  }

  /** The largest value recorded (exact, not a bucket bound); 0 when empty. */
  get max(): number {
    return this.maxMs;
  }

  /** Add another histogram's counts (a worker's) to this one. */
  merge(other: SerializedHistogram): void {
    for (const [bucket, n] of Object.entries(other.counts)) {
      const index = Number(bucket);
      if (!Number.isInteger(index) || index < 0 || !Number.isInteger(n) || n < 0) throw new Error(`not a histogram bucket: ${bucket}=${n}`);
      this.counts.set(index, (this.counts.get(index) ?? 0) + n);
      this.total += n;
    }
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  /**
   * Nearest-rank percentile (as test/chaos/checker.ts's stats): the upper bound of the bucket holding the
   * ceil(p% x count)-th smallest value, never above the exact maximum; null when empty.
   */
  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return Math.min(upperBoundOf(bucket), this.maxMs);
    }
    return this.maxMs;
  }

  toJSON(): SerializedHistogram {
    return { counts: Object.fromEntries([...this.counts].map(([bucket, n]) => [String(bucket), n])), maxMs: this.maxMs };
  }

  static from(serialized: SerializedHistogram): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.merge(serialized);
    return histogram;
  }
}

export interface SerializedHistogram {
  counts: HistogramCounts;
  maxMs: number;
}
