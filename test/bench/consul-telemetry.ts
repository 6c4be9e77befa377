// Consul 1.8's own telemetry, as `GET /v1/agent/metrics` serves it: the in-memory sink keeps 10-second
// intervals and the endpoint returns the last complete one (go-metrics DisplayMetrics), stamped with its
// start. The bench polls the raft leader more often than every 10 s, keeps each interval once, and adds
// up those that lie inside its measurement window. Pure (unit-tested in consul-telemetry.test.ts).

/** The length of one interval of Consul's in-memory metrics sink (agent/setup: NewInmemSink(10s, 1m)). */
export const TELEMETRY_INTERVAL_MS = 10_000;

export interface TelemetryInterval {
  /** Start of the interval, ms since the epoch. */
  startMs: number;
  /** `consul.raft.apply`: raft transactions applied by this server (the leader) in the interval. */
  raftApply: number;
  /** `consul.raft.commitTime`: log entries committed in the interval, and their mean commit time. */
  commits: number;
  commitMeanMs: number | null;
  /** `consul.runtime.num_goroutines` and `consul.runtime.alloc_bytes` at the interval's end (gauges). */
  goroutines: number | null;
  allocBytes: number | null;
  /** `consul.session_ttl.active`: sessions with a TTL that the leader tracks. */
  sessions: number | null;
}

interface MetricEntry {
  Name?: unknown;
  Value?: unknown;
  Count?: unknown;
  Mean?: unknown;
}

/** "2026-12-08 03:06:20 +0000 UTC" (Go's time.String of a UTC time) as ms since the epoch. */
export function parseGoTime(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2})(\d{2})/.exec(text);
  const ms = match ? Date.parse(`${match[1]}T${match[2]}${match[3]}:${match[4]}`) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`/v1/agent/metrics: Timestamp ${JSON.stringify(text)} is not a time Consul writes`);
  return ms;
}

const entries = (body: Record<string, unknown>, section: string, name: string): MetricEntry[] => {
  const list = body[section];
  if (!Array.isArray(list)) throw new Error(`/v1/agent/metrics: no ${section} list; is this Consul's metrics endpoint?`);
  return (list as MetricEntry[]).filter((entry) => entry.Name === name);
};
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** One answer of /v1/agent/metrics, read. Metrics that did not occur in the interval count 0 (gauges: null). */
export function parseTelemetry(body: unknown): TelemetryInterval {
  if (typeof body !== 'object' || body === null || typeof (body as { Timestamp?: unknown }).Timestamp !== 'string') {
    throw new Error('/v1/agent/metrics: the answer has no Timestamp; is this Consul 1.x?');
  }
  const b = body as Record<string, unknown>;
  const gauge = (name: string) => {
    const found = entries(b, 'Gauges', name);
    return found.length === 0 ? null : found.reduce((a, e) => a + num(e.Value), 0);
  };
  const apply = entries(b, 'Counters', 'consul.raft.apply').reduce((a, e) => a + num(e.Count), 0);
  const commit = entries(b, 'Samples', 'consul.raft.commitTime');
  const commits = commit.reduce((a, e) => a + num(e.Count), 0);
  const commitSum = commit.reduce((a, e) => a + num(e.Count) * num(e.Mean), 0);
  return {
    startMs: parseGoTime(b['Timestamp'] as string),
    raftApply: apply,
    commits,
    commitMeanMs: commits === 0 ? null : commitSum / commits,
    goroutines: gauge('consul.runtime.num_goroutines'),
    allocBytes: gauge('consul.runtime.alloc_bytes'),
    sessions: gauge('consul.session_ttl.active'),
  };
}

export interface TelemetrySummary {
  /** Complete intervals inside the window. */
  intervals: number;
  raftApplyPerS: number | null;
  commitsPerS: number | null;
  commitMeanMs: number | null;
  /** Highest gauge values seen in those intervals. */
  goroutinesMax: number | null;
  allocMbMax: number | null;
  sessionsMax: number | null;
}

/**
 * The intervals that lie wholly inside [fromMs, toMs], each counted once (a poll may return the same
 * interval twice): rates per second over their total length, the commit time weighted by commits.
 */
export function summarizeTelemetry(intervals: readonly TelemetryInterval[], fromMs: number, toMs: number): TelemetrySummary {
  const byStart = new Map<number, TelemetryInterval>();
  for (const interval of intervals) {
    if (interval.startMs >= fromMs && interval.startMs + TELEMETRY_INTERVAL_MS <= toMs) byStart.set(interval.startMs, interval);
  }
  const inside = [...byStart.values()];
  const seconds = (inside.length * TELEMETRY_INTERVAL_MS) / 1000;
  const commits = inside.reduce((a, i) => a + i.commits, 0);
  const weighted = inside.reduce((a, i) => a + i.commits * (i.commitMeanMs ?? 0), 0);
  const max = (values: Array<number | null>) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === 0 ? null : Math.max(...known);
  };
  const allocMax = max(inside.map((i) => i.allocBytes));
  return {
    intervals: inside.length,
    raftApplyPerS: seconds === 0 ? null : inside.reduce((a, i) => a + i.raftApply, 0) / seconds,
    commitsPerS: seconds === 0 ? null : commits / seconds,
    commitMeanMs: commits === 0 ? null : weighted / commits,
    goroutinesMax: max(inside.map((i) => i.goroutines)),
    allocMbMax: allocMax === null ? null : allocMax / (1024 * 1024),
    sessionsMax: max(inside.map((i) => i.sessions)),
  };
}
