/**
 * Destroying a Consul session with retries, shared by the election actor (resign, shutdown) and the
 * neard guard (the daemon died). A destroy hands the lock to a standby at once, so it is worth retrying
 * through a short Consul outage; after `sessionDestroyRetryMs` the TTL ends the session anyway.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeConsulError, type ConsulClient } from './client.js';
import type { ActorTimings } from '../service-timings.js';

export type DestroyTimings = Pick<ActorTimings, 'sessionDestroyRetryMs' | 'destroyBackoffFirstMs' | 'destroyBackoffMaxMs'>;

export type DestroyOutcome = { destroyed: true } | { destroyed: false; error: string };

/**
 * Destroy with exponential backoff until it succeeds or the next attempt would start after the deadline.
 * `onRetry` hears every failure that is followed by another attempt.
 */
export async function destroySessionWithBackoff(
  consul: ConsulClient,
  sessionId: string,
  timings: DestroyTimings,
  now: () => number,
  onRetry: (error: string) => void,
): Promise<DestroyOutcome> {
  const deadline = now() + timings.sessionDestroyRetryMs;
  for (let backoff = timings.destroyBackoffFirstMs; ; backoff = Math.min(backoff * 2, timings.destroyBackoffMaxMs)) {
    try {
      await consul.destroySession(sessionId);
      return { destroyed: true };
    } catch (error) {
      const message = describeConsulError(error);
      if (now() + backoff > deadline) return { destroyed: false, error: message };
      onRetry(message);
      await sleep(backoff);
    }
  }
}
