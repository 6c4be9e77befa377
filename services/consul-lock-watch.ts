/**
 * Watches the leader key with Consul blocking queries and calls back the moment it is free
 * (deleted, without a session, or still held by our own session). This replaces kuutamod's once-a-second polling: a standby learns
 * that the lock was released within one round trip, and an idle standby costs one request per `wait`.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { describeConsulError, type ConsulClient } from './consul-client.js';

export interface LockWatchOptions {
  consul: ConsulClient;
  key: string;
  /** How long Consul may hold one query open (Consul adds up to wait/16 of jitter). */
  waitMs: number;
  /** Pause after a failed query. */
  retryMs: number;
  /** Our session, if any: a key it still holds (e.g. after a step-down) is ours to take again. */
  ownSession: () => string | null;
  onFree: () => void;
  onError: (error: string) => void;
}

export interface LockWatch {
  stop(): void;
}

type KvEntry = { Session?: string } | undefined;

export function watchLock({ consul, key, waitMs, retryMs, ownSession, onFree, onError }: LockWatchOptions): LockWatch {
  let stopped = false;
  let ctx = new EventEmitter() as EventEmitter & { includeResponse: boolean };
  const loop = async (): Promise<void> => {
    let index = '0';
    while (!stopped) {
      ctx = Object.assign(new EventEmitter(), { includeResponse: true });
      try {
        const [response, entry] = (await consul.kv.get({
          key,
          index,
          wait: `${Math.ceil(waitMs / 1000)}s`,
          // The client's own timeout must outlast the hold time plus Consul's jitter.
          timeout: waitMs + waitMs / 16 + 10_000,
          ctx,
        } as unknown as Parameters<ConsulClient['kv']['get']>[0])) as unknown as [IncomingMessage, KvEntry];
        if (stopped) return;
        const next = String(response.headers['x-consul-index'] ?? '0');
        // Consul's rule: an index that goes backwards means a reset; start over from 0.
        index = BigInt(next) < BigInt(index) ? '0' : next;
        if (!entry?.Session || entry.Session === ownSession()) onFree();
      } catch (error) {
        if (stopped) return;
        // Start over with a query that answers at once: the key may have changed while Consul was out of reach.
        index = '0';
        onError(describeConsulError(error));
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
      ctx.emit('cancel');
    },
  };
}
