// Event-loop delay of a running daemon, read from its own /metrics: prom-client's default metrics
// (src/metrics.ts calls collectDefaultMetrics) include nodejs_eventloop_lag_{p99,max,...}_seconds,
// measured by monitorEventLoopDelay and reset at every scrape, so each scrape covers the time since
// the previous one. Reading them keeps the daemon unchanged.

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

/** Scrape a daemon's /metrics; null when it does not answer in time (e.g. frozen by a fault). */
export async function scrapeEventLoopDelay(daemonUrl: string, timeoutMs = 2_000): Promise<EventLoopDelay | null> {
  try {
    const response = await fetch(`${daemonUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? eventLoopDelayFrom(await response.text()) : null;
  } catch {
    return null;
  }
}
