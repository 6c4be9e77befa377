/**
 * Watches the leader key with Consul blocking queries and calls back the moment it is free
 * (deleted, without a session, or still held by our own session). This replaces kuutamod's once-a-second
 * polling: a standby learns that the lock was released within one round trip, and an idle standby costs
 * one request per `wait`.
 */
import { describeConsulError, type ConsulClient } from './consul-client.js';
import { nextBlockingIndex } from './consul-index.js';
import type { ActorTimings } from './service-timings.js';

export interface LockWatchOptions {
  consul: ConsulClient;
  key: string;
  /** lockWatchWaitMs: how long Consul may hold one query open; consulRetryIntervalMs: pause after a failed one. */
  timings: Pick<ActorTimings, 'lockWatchWaitMs' | 'consulRetryIntervalMs'>;
  /** Our session, if any: a key it still holds (e.g. after a step-down) is ours to take again. */
  ownSession: () => string | null;
  onFree: () => void;
  onError: (error: string) => void;
}

export interface LockWatch {
  stop(): void;
}

/** Wait `ms`, or less when the watch is stopped meanwhile (also the handover watch's pause). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function watchLock({ consul, key, timings, ownSession, onFree, onError }: LockWatchOptions): LockWatch {
  const stop = new AbortController();
  const loop = async (): Promise<void> => {
    let index = '0';
    while (!stop.signal.aborted) {
      try {
        const answer = await consul.watchKey(key, index, timings.lockWatchWaitMs, stop.signal);
        if (stop.signal.aborted) return;
        const next = nextBlockingIndex(index, answer.index);
        index = next.index;
        if (!answer.entry?.Session || answer.entry.Session === ownSession()) onFree();
        // A restart from index 0 answers at once; pause first, so a server whose index never holds is not asked in a busy loop.
        if (next.reset) await pause(timings.consulRetryIntervalMs, stop.signal);
      } catch (error) {
        if (stop.signal.aborted) return;
        // Start over with a query that answers at once: the key may have changed while Consul was out of reach.
        index = '0';
        onError(describeConsulError(error));
        await pause(timings.consulRetryIntervalMs, stop.signal);
      }
    }
  };
  void loop();
  return { stop: () => stop.abort() };
}
