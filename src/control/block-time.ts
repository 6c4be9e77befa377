/**
 * How long a block takes, measured from neard's head over a few seconds: what `maintenance-status` needs to
 * turn "blocks left" into a time. Measured between two head changes, so the wait for the first one does
 * not count; null when the head did not move twice in the time given (a stalled or syncing neard).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchNeardStatus } from '../../services/neard/status-poller.js';

const POLL_MS = 100;

export async function measureBlockTimeMs(rpcUrl: string, withinMs: number, requestTimeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + withinMs;
  let last = (await fetchNeardStatus(rpcUrl, requestTimeoutMs)).height;
  let first: { height: number; at: number } | null = null;
  let latest: { height: number; at: number } | null = null;
  while (Date.now() < deadline) {
    await sleep(POLL_MS);
    const { height } = await fetchNeardStatus(rpcUrl, requestTimeoutMs);
    if (height === last) continue;
    last = height;
    latest = { height, at: Date.now() };
    first ??= latest;
    if (latest.height - first.height >= 3) break;
  }
  if (first === null || latest === null || latest.height === first.height) return null;
  return (latest.at - first.at) / (latest.height - first.height);
}
