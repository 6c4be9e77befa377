// The one safety property: never two neard processes validating with the key at the same instant.
// Pure functions over validating intervals, so they are unit-tested without processes.

export interface ValidatingInterval {
  pid: number;
  /** validator_start t_ms (wall clock ms, written before the process holds the key). */
  start: number;
  /** validator_stop t_ms, else the time the harness saw the pid dead (upper bound); null = still validating. */
  end: number | null;
  endKind: 'stop' | 'death' | 'open';
  /** The neard home of the process, when the log names it (which node validated). */
  home?: string;
  /** For a death: ms between the last poll that saw the pid alive and the one that saw it dead. */
  endUncertaintyMs?: number;
}

export interface Overlap {
  a: ValidatingInterval;
  b: ValidatingInterval;
  /** Length of the intersection in ms. */
  ms: number;
  /** Start of the intersection. */
  at: number;
}

/** Every intersecting pair of intervals from different pids; open intervals count until `now`. */
export function findOverlaps(intervals: readonly ValidatingInterval[], now: number): Overlap[] {
  const sorted = [...intervals].sort((x, y) => x.start - y.start);
  const out: Overlap[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    const aEnd = a.end ?? now;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (b.start >= aEnd) break; // sorted by start: no later interval can intersect a
      if (b.pid === a.pid) continue;
      const ms = Math.min(aEnd, b.end ?? now) - b.start;
      if (ms > 0) out.push({ a, b, ms, at: b.start });
    }
  }
  return out;
}

/** Order statistics for the report; empty input gives nulls. */
export interface Stats {
  n: number;
  min: number | null;
  median: number | null;
  p95: number | null;
  max: number | null;
}

export function stats(values: readonly number[]): Stats {
  const v = [...values].sort((x, y) => x - y);
  // Nearest-rank percentile: the smallest value with at least p% of the values at or below it.
  const rank = (p: number) => v[Math.max(0, Math.ceil((p / 100) * v.length) - 1)] ?? null;
  return { n: v.length, min: v[0] ?? null, median: rank(50), p95: rank(95), max: v[v.length - 1] ?? null };
}
