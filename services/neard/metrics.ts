/**
 * The few of neard's Prometheus metrics (GET /metrics on its RPC address) that confirm a planned
 * shutdown: the head, how often neard re-read its config (SIGHUP) and the expected_shutdown it holds.
 * Reading them from neard rather than trusting config.json is the point: they say what the running
 * process will do.
 */
import { errorMessage } from '../error-message.js';

export interface NeardShutdownMetrics {
  /** near_block_height_head */
  head: number;
  /** near_config_reloads_total: +1 per SIGHUP that neard accepted. */
  configReloads: number;
  /** near_block_expected_shutdown; null when neard holds none (the gauge is 0). */
  expectedShutdown: number | null;
}

export class NeardMetricsError extends Error {
  override readonly name = 'NeardMetricsError';
}

/** The value of an unlabelled sample `name` in Prometheus text, or undefined. */
function unlabelledValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  if (line === undefined) return undefined;
  const value = Number(line.slice(name.length + 1).trim().split(/\s+/)[0]);
  return Number.isFinite(value) ? value : undefined;
}

/** Read them from neard at `rpcUrl` (e.g. http://127.0.0.1:3030). */
export async function readNeardShutdownMetrics(rpcUrl: string, timeoutMs: number): Promise<NeardShutdownMetrics> {
  const where = `neard ${rpcUrl}/metrics`;
  let text: string;
  try {
    const response = await fetch(`${rpcUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    throw new NeardMetricsError(`${where}: ${typeof code === 'string' ? code : errorMessage(error)}`);
  }
  const read = (name: string): number => {
    const value = unlabelledValue(text, name);
    if (value === undefined) throw new NeardMetricsError(`${where} has no ${name} (a neard older than 1.30?)`);
    return value;
  };
  const expected = read('near_block_expected_shutdown');
  return { head: read('near_block_height_head'), configReloads: read('near_config_reloads_total'), expectedShutdown: expected === 0 ? null : expected };
}
