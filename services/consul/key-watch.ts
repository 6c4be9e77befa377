/**
 * One Consul key watched with blocking queries, the loop both watches of the daemon share: the leader
 * lock (services/consul/lock-watch.ts, on the takeover path) and the handover record
 * (services/pool/handover-actor.ts). It follows Consul's index rule (services/consul/blocking-index.ts: reset to 0 when
 * the index goes backwards or is not a number), pauses consulRetryIntervalMs after a failure or a reset
 * so a misbehaving server is not asked in a busy loop, and ends quietly when its signal aborts.
 * Each answer is handed on the moment it arrives: no delay is added before the caller sees it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeConsulError, type ConsulClient, type ConsulKvWatchAnswer } from './client.js';
import { nextBlockingIndex } from './blocking-index.js';
import type { ActorTimings } from '../service-timings.js';

export interface KeyWatchOptions {
  consul: ConsulClient;
  key: string;
  /** lockWatchWaitMs: how long Consul may hold one query open; consulRetryIntervalMs: pause after a failure or an index reset. */
  timings: Pick<ActorTimings, 'lockWatchWaitMs' | 'consulRetryIntervalMs'>;
  /** Ends the watch: the open query is cancelled and nothing more is reported. */
  signal: AbortSignal;
  /** Every answer, in order; the next query waits for a returned promise. A throw counts as a failed query. */
  onAnswer: (answer: ConsulKvWatchAnswer) => void | Promise<void>;
  /** A failed query (or onAnswer), described for the operator; the watch pauses and starts over from index 0. */
  onError: (error: string) => void;
}

/** Wait `ms`, or less when `signal` aborts meanwhile (never rejects on abort: the caller's loop checks the signal). */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}

/** Runs until `signal` aborts; never rejects. */
export async function watchConsulKey({ consul, key, timings, signal, onAnswer, onError }: KeyWatchOptions): Promise<void> {
  let index = '0';
  while (!signal.aborted) {
    try {
      const answer = await consul.watchKey(key, index, timings.lockWatchWaitMs, signal);
      if (signal.aborted) return;
      const next = nextBlockingIndex(index, answer.index);
      index = next.index;
      // Called at once, and awaited only when it returns a promise: the lock watch's standby learns of a free lock without an extra tick.
      const handled = onAnswer(answer);
      if (handled !== undefined) await handled;
      // A restart from index 0 answers at once; pause first, so a server whose index never holds is not asked in a busy loop.
      if (next.reset) await pause(timings.consulRetryIntervalMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      // Start over with a query that answers at once: the key may have changed while Consul was out of reach.
      index = '0';
      onError(describeConsulError(error));
      await pause(timings.consulRetryIntervalMs, signal);
    }
  }
}
