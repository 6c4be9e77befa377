/**
 * Watches the leader key with Consul blocking queries and calls back the moment it is free
 * (deleted, without a session, or still held by our own session). This replaces kuutamod's once-a-second
 * polling: a standby learns that the lock was released within one round trip, and an idle standby costs
 * one request per `wait`. The query loop itself (index rule, pause on errors) is services/consul/key-watch.ts.
 */
import type { ConsulClient } from './client.js';
import { watchConsulKey } from './key-watch.js';
import type { ActorTimings } from '../service-timings.js';

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

export function watchLock({ consul, key, timings, ownSession, onFree, onError }: LockWatchOptions): LockWatch {
  const stop = new AbortController();
  void watchConsulKey({
    consul,
    key,
    timings,
    signal: stop.signal,
    onAnswer: (answer) => {
      if (!answer.entry?.Session || answer.entry.Session === ownSession()) onFree();
    },
    onError,
  });
  return { stop: () => stop.abort() };
}
