// What a running daemon says of itself on /metrics, for the soak. Event-loop delay: prom-client's
// default metrics (src/metrics.ts calls collectDefaultMetrics) include nodejs_eventloop_lag_{p99,max,...}_seconds,
// measured by monitorEventLoopDelay and reset at every scrape, so each scrape covers the time since
// the previous one. Heap: the live JS heap after the last full collection (kuutamod_heap_after_full_gc_bytes,
// what a JS leak moves) and the heap V8 has committed (nodejs_heap_size_total_bytes, part of the RSS).
import { MB } from './proc-usage.js';

export interface EventLoopDelay {
  p99Ms: number;
  maxMs: number;
}

/** Value of an unlabelled sample in Prometheus text format, or null if absent. */
export function metricValue(text: string, name: string): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(name.length + 1).trim().split(' ')[0]);
    return Number.isFinite(value) ? value : null;
  }
  return null;
}

export function eventLoopDelayFrom(text: string): EventLoopDelay | null {
  const p99 = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
  const max = metricValue(text, 'nodejs_eventloop_lag_max_seconds');
  return p99 === null || max === null ? null : { p99Ms: p99 * 1000, maxMs: max * 1000 };
}

export interface DaemonSelfReport {
  eventLoop: EventLoopDelay | null;
  /** MB; null before the daemon's first full collection (the gauge is 0 until then). */
  heapAfterFullGcMb: number | null;
  heapCommittedMb: number | null;
}

export function selfReportFrom(text: string): DaemonSelfReport {
  const live = metricValue(text, 'kuutamod_heap_after_full_gc_bytes');
  const committed = metricValue(text, 'nodejs_heap_size_total_bytes');
  return {
    eventLoop: eventLoopDelayFrom(text),
    heapAfterFullGcMb: live === null || live === 0 ? null : live / MB,
    heapCommittedMb: committed === null ? null : committed / MB,
  };
}

/** Scrape a daemon's /metrics; null when it does not answer in time (e.g. frozen by a fault). */
export async function scrapeDaemon(daemonUrl: string, timeoutMs = 2_000): Promise<DaemonSelfReport | null> {
  try {
    const response = await fetch(`${daemonUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? selfReportFrom(await response.text()) : null;
  } catch {
    return null;
  }
}
