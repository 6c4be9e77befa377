// What the load generator's Consul clients did, by kind of request (`PUT /v1/session/renew`, `GET /v1/kv
// ?recurse`, ...): how many were answered, how many failed, and how long the answered ones took. Blocking
// queries are counted but kept out of the latencies: Consul holds them open by design (up to 5 minutes).
// Each worker keeps one; the harness merges them. Pure (unit-tested in request-log.test.ts).
import { LatencyHistogram, type SerializedHistogram } from './latency-histogram.js';

export interface KindRecord {
  /** Requests that got an answer (any answer the client accepted, e.g. a refused acquire). */
  ok: number;
  /** Requests that failed: HTTP error, timeout, connection refused. */
  failed: number;
  /** True for blocking queries, whose time is not a latency. */
  blocking: boolean;
  /** Latency of the answered ones (empty for blocking queries). */
  latency: SerializedHistogram;
}

export type SerializedRequestLog = Record<string, KindRecord>;

interface Kind {
  ok: number;
  failed: number;
  blocking: boolean;
  latency: LatencyHistogram;
}

export class RequestLog {
  private kinds = new Map<string, Kind>();
  /** Blocking queries in flight now, by kind (not a window's count: reset() leaves it). */
  private readonly open = new Map<string, number>();

  /** A blocking query of `kind` was sent (opened) or answered or failed (closed). */
  opened(kind: string): void {
    this.open.set(kind, (this.open.get(kind) ?? 0) + 1);
  }

  closed(kind: string): void {
    this.open.set(kind, (this.open.get(kind) ?? 0) - 1);
  }

  /** Blocking queries held open right now, by kind. */
  openNow(): Record<string, number> {
    return Object.fromEntries([...this.open].filter(([, n]) => n !== 0));
  }

  /** One request of `kind`, `ms` from send to answer (or failure). */
  record(kind: string, ms: number, ok: boolean, blocking = false): void {
    let entry = this.kinds.get(kind);
    if (entry === undefined) {
      entry = { ok: 0, failed: 0, blocking, latency: new LatencyHistogram() };
      this.kinds.set(kind, entry);
    }
    if (!ok) entry.failed++;
    else {
      entry.ok++;
      if (!blocking) entry.latency.record(ms);
    }
  }

  /** Forget everything: a new measurement window starts. */
  reset(): void {
    this.kinds = new Map();
  }

  toJSON(): SerializedRequestLog {
    return Object.fromEntries([...this.kinds].map(([kind, { ok, failed, blocking, latency }]) => [kind, { ok, failed, blocking, latency: latency.toJSON() }]));
  }
}

/** The logs of several workers as one: counts added, histograms merged. */
export function mergeRequestLogs(logs: readonly SerializedRequestLog[]): Map<string, { ok: number; failed: number; blocking: boolean; latency: LatencyHistogram }> {
  const merged = new Map<string, { ok: number; failed: number; blocking: boolean; latency: LatencyHistogram }>();
  for (const log of logs) {
    for (const [kind, record] of Object.entries(log)) {
      const entry = merged.get(kind) ?? { ok: 0, failed: 0, blocking: record.blocking, latency: new LatencyHistogram() };
      entry.ok += record.ok;
      entry.failed += record.failed;
      entry.latency.merge(record.latency);
      merged.set(kind, entry);
    }
  }
  return merged;
}

/** Every answered non-blocking request of the merged logs in one histogram: the overall latency. */
export function overallLatency(merged: ReturnType<typeof mergeRequestLogs>): LatencyHistogram {
  const all = new LatencyHistogram();
  for (const { blocking, latency } of merged.values()) if (!blocking) all.merge(latency.toJSON());
  return all;
}
