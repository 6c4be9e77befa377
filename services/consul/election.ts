/**
 * The Consul election actor: owns this node's Consul session and its attempts at the leader lock.
 *
 * Session: created with the node id as name, TTL, Behavior "delete", LockDelay 0 s and an explicit empty
 * check list, so only the TTL decides its life (a gossip hiccup cannot end it behind our back), and then
 * renewed on a timer whatever the rest of the daemon is doing (faster while it holds the lock, so a Consul
 * leader election does not outlast the step-down deadline: holderRenewIntervalMs). Lock: `acquire` on
 * `kuutamod-leader/<account>` with kuutamod's value, retried on a timer while the chart wants it.
 * It reports what Consul said; the chart decides what that means.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { ElectionCommand, ElectionEvent } from '../../machines/failover-events.js';
import { consulLeaderKey, consulStatusCode, describeConsulError, leaderKeyValue, type ConsulClient } from './client.js';
import { watchLock, type LockWatch } from './lock-watch.js';
import { destroySessionWithBackoff } from './session-destroy.js';
import { monotonicNow } from '../monotonic-clock.js';
import { holderRenewIntervalMs, type ActorTimings } from '../service-timings.js';

export interface ElectionOptions {
  consul: ConsulClient;
  nodeId: string;
  accountId: string;
  /**
   * Read here: sessionTtlMs, sessionRenewIntervalMs, sessionRenewRetryMs (after a failed renewal), sessionRenewTimeoutMs,
   * stepDownAfterMs and consulOutageToleranceMs (the lock holder's renewal pace, holderRenewIntervalMs),
   * lockAcquireIntervalMs (fallback poll of the lock, a read first; the blocking query on the key normally wakes us first),
   * lockWatchWaitMs, consulRetryIntervalMs and the destroy retry timings.
   */
  timings: ActorTimings;
  logger: Logger;
  now?: () => number;
}

export class ConsulElection {
  private sessionId: string | null = null;
  /** Send time of the last successful create or renewal of the session. */
  private lastSuccessSentAt = 0;
  private creating: Promise<void> | null = null;
  /** Bumped by RESIGN and dispose: loops started under an older generation stop. */
  private generation = 0;
  private renewTimer: NodeJS.Timeout | undefined;
  /** A renewal request is in flight (one at a time): it schedules the next one when it ends. */
  private renewing = false;
  /** When the renewal timer fires (this.now() clock). */
  private nextRenewAt = 0;
  /**
   * The session that acquired the lock: while it is ours, renewals come every holderRenewIntervalMs so a
   * Consul leader election does not outlast the step-down deadline (docs/chaos.md, finding 3).
   */
  private lockHolderSession: string | null = null;
  private acquireTimer: NodeJS.Timeout | undefined;
  /** When the armed attempt fires (monotonic ms; null: none armed), so a wake-up never postpones it. */
  private acquireDueAt: number | null = null;
  private acquiring = false;
  /** How long each attempt waits (ACQUIRE_START's delayMs: a head start for a higher-priority standby). */
  private acquireDelayMs = 0;
  private lockWatch: LockWatch | null = null;
  private resigning: Promise<void> = Promise.resolve();
  /**
   * A lock release under way (a planned handover). Acquire attempts wait for it: a release that landed
   * after a new acquire would free the lock under a validating neard.
   */
  private releasing: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(
    private readonly options: ElectionOptions,
    private readonly report: (event: ElectionEvent) => void,
  ) {
    this.now = options.now ?? Date.now;
  }

  command(command: ElectionCommand): void {
    switch (command.type) {
      case 'ELECTION.REGISTER':
        // A resign in progress finishes first, so the new session is not destroyed with the old one.
        void this.resigning.then(() => this.register());
        return;
      case 'ELECTION.ACQUIRE_START':
        this.startAcquiring(command.delayMs ?? 0);
        return;
      case 'ELECTION.ACQUIRE_STOP':
        this.stopAcquiring();
        return;
      case 'ELECTION.RESIGN':
        this.resigning = this.resigning.then(() => this.resign());
        return;
      case 'ELECTION.RELEASE_LOCK':
        this.releasing = this.releasing.then(() => this.releaseLock());
        return;
    }
  }

  dispose(): void {
    this.generation++;
    this.stopAcquiring();
    clearTimeout(this.renewTimer);
  }

  /** Try now, then whenever the blocking query says the key is free, and on the slow fallback timer. */
  private startAcquiring(delayMs: number): void {
    const { consul, accountId, timings } = this.options;
    this.acquiring = true;
    this.lockHolderSession = null;
    this.acquireDelayMs = delayMs;
    this.scheduleAcquire(delayMs);
    this.lockWatch ??= watchLock({
      consul,
      key: consulLeaderKey(accountId),
      timings,
      ownSession: () => this.sessionId,
      onFree: () => this.onLockFree(),
      onError: (error) => this.report({ type: 'CONSUL_ERROR', operation: 'lock watch', error }),
    });
  }

  private stopAcquiring(): void {
    this.acquiring = false;
    clearTimeout(this.acquireTimer);
    this.acquireDueAt = null;
    this.lockWatch?.stop();
    this.lockWatch = null;
  }

  private register(): void {
    if (this.creating !== null) return;
    const generation = this.generation;
    this.creating = this.keepOrCreateSession(generation).finally(() => (this.creating = null));
  }

  /**
   * A session we still have (a deferred release was cancelled) is kept if Consul still knows it: renewed
   * once now and reported again. The neard guard may have destroyed it after fencing neard on a lapsed
   * lease, behind our back: then Consul answers 404 and a new session is created.
   */
  private async keepOrCreateSession(generation: number): Promise<void> {
    const id = this.sessionId;
    if (id !== null) {
      const sentAt = this.now();
      try {
        await this.options.consul.renewSession(id);
        if (generation !== this.generation || this.sessionId !== id) return;
        this.lastSuccessSentAt = sentAt;
        this.report({ type: 'SESSION_CREATED', sessionId: id, sentAt });
        return;
      } catch (error) {
        if (generation !== this.generation || this.sessionId !== id) return;
        if (consulStatusCode(error) !== 404) {
          // Consul is unsure, not the session: keep it (the renewal loop goes on) with the lease it has.
          this.report({ type: 'CONSUL_ERROR', operation: 'session renew', error: describeConsulError(error) });
          this.report({ type: 'SESSION_CREATED', sessionId: id, sentAt: this.lastSuccessSentAt });
          return;
        }
        this.options.logger.info({ sessionId: id }, 'consul session is gone; creating a new one');
        this.sessionId = null;
        clearTimeout(this.renewTimer);
      }
    }
    await this.createSession(generation);
  }

  private async createSession(generation: number): Promise<void> {
    const { consul, nodeId, timings, logger } = this.options;
    while (generation === this.generation) {
      const sentAt = this.now();
      try {
        const ID = await consul.createSession({
          name: nodeId,
          ttlMs: timings.sessionTtlMs,
          behavior: 'delete',
          lockDelayMs: 0,
          // Explicitly no checks: without this Consul adds serfHealth, and gossip could end the session.
          checks: [],
        });
        if (generation !== this.generation) {
          await this.destroy(ID);
          return;
        }
        this.sessionId = ID;
        this.lastSuccessSentAt = sentAt;
        logger.info({ sessionId: ID }, 'consul session created');
        this.report({ type: 'SESSION_CREATED', sessionId: ID, sentAt });
        this.scheduleRenew();
        return;
      } catch (error) {
        this.report({ type: 'CONSUL_ERROR', operation: 'session create', error: describeConsulError(error) });
        await sleep(timings.consulRetryIntervalMs);
      }
    }
  }

  /**
   * Next renewal: a whole interval after a success (the holder's shorter one while the lock is ours), soon
   * after a failure. A renewal that fails during a Consul leader election (HTTP 500, ~3 s) must be retried
   * before the step-down deadline, which counts from the last successful renewal's send time whatever we
   * do here (so neither retrying nor renewing faster ever extends a lease).
   */
  private scheduleRenew(afterFailure = false): void {
    const { timings } = this.options;
    clearTimeout(this.renewTimer);
    const interval = this.sessionId !== null && this.lockHolderSession === this.sessionId ? holderRenewIntervalMs(timings) : timings.sessionRenewIntervalMs;
    const delay = afterFailure ? Math.min(timings.sessionRenewRetryMs, interval) : interval;
    this.nextRenewAt = this.now() + delay;
    this.renewTimer = setTimeout(() => void this.renew(), delay);
  }

  /** Just acquired the lock: bring the next renewal forward to the holder's pace, never push it back. */
  private renewAtHolderPace(): void {
    if (this.renewing || this.sessionId === null) return;
    if (this.nextRenewAt - this.now() > holderRenewIntervalMs(this.options.timings)) this.scheduleRenew();
  }

  private async renew(): Promise<void> {
    const id = this.sessionId;
    if (id === null) return;
    this.renewing = true;
    try {
      await this.renewOnce(id);
    } finally {
      this.renewing = false;
    }
  }

  private async renewOnce(id: string): Promise<void> {
    const sentAt = this.now();
    const { sessionRenewTimeoutMs, requestTimeoutMs } = this.options.timings;
    try {
      await this.options.consul.renewSession(id, Math.min(sessionRenewTimeoutMs, requestTimeoutMs));
      if (this.sessionId !== id) return;
      this.lastSuccessSentAt = sentAt;
      this.report({ type: 'SESSION_RENEWED', sentAt });
    } catch (error) {
      if (this.sessionId !== id) return;
      if (consulStatusCode(error) === 404) {
        this.sessionId = null;
        this.stopAcquiring();
        // The observer logs SESSION_LOST.
        this.report({ type: 'SESSION_LOST' });
        return;
      }
      this.report({ type: 'CONSUL_ERROR', operation: 'session renew', error: describeConsulError(error) });
      this.scheduleRenew(true);
      return;
    }
    this.scheduleRenew();
  }

  /**
   * `fallback`: the slow poll (lockAcquireIntervalMs), which first reads the key and only tries to take it
   * when no other session holds it: a PUT ?acquire is a raft write even when Consul refuses it, a read is
   * not. The first try and the blocking query's wake-up PUT at once, so a takeover stays instant.
   */
  private scheduleAcquire(delayMs: number, fallback = false): void {
    clearTimeout(this.acquireTimer);
    this.acquireDueAt = null;
    if (!this.acquiring) return;
    this.acquireDueAt = monotonicNow() + delayMs;
    this.acquireTimer = setTimeout(() => {
      this.acquireDueAt = null;
      void this.tryAcquire(fallback);
    }, delayMs);
  }

  /**
   * The lock watch saw the key free: try after the head start (acquireDelayMs), unless an attempt is already
   * due sooner. Why: while the key is missing (a holder's session ended, Behavior delete), Consul answers
   * its blocking query at every write to a nearby key, e.g. every member record rewrite on the cluster; if
   * each answer re-armed a 2 s head start, a yielding standby on a busy cluster would never try.
   */
  private onLockFree(): void {
    if (this.acquireDueAt !== null && this.acquireDueAt <= monotonicNow() + this.acquireDelayMs) return;
    this.scheduleAcquire(this.acquireDelayMs);
  }

  private async tryAcquire(fallback: boolean): Promise<void> {
    await this.releasing;
    const id = this.sessionId;
    const { consul, accountId, nodeId, timings } = this.options;
    if (!this.acquiring) return;
    if (id !== null && (!fallback || (await this.lockMayBeFree(id)))) {
      try {
        const acquired = await consul.acquireLock(consulLeaderKey(accountId), leaderKeyValue(nodeId), id);
        if (acquired && this.acquiring && this.sessionId === id) {
          this.stopAcquiring();
          this.lockHolderSession = id;
          this.renewAtHolderPace();
          this.report({ type: 'LOCK_ACQUIRED' });
          return;
        }
      } catch (error) {
        this.report({ type: 'CONSUL_ERROR', operation: 'lock acquire', error: describeConsulError(error) });
      }
    }
    this.scheduleAcquire(timings.lockAcquireIntervalMs, true);
  }

  /**
   * The fallback poll's read: false only when Consul says another session holds the key. A key our own
   * session still holds is ours to take again, as for the lock watch; a failed read tries the PUT.
   */
  private async lockMayBeFree(id: string): Promise<boolean> {
    try {
      const holder = (await this.options.consul.getKey(consulLeaderKey(this.options.accountId)))?.Session;
      return holder === undefined || holder === '' || holder === id;
    } catch (error) {
      this.report({ type: 'CONSUL_ERROR', operation: 'lock read', error: describeConsulError(error) });
      return true;
    }
  }

  /**
   * Free the lock, keep the session (renewals go on: this node stays a standby). Retried while Consul
   * fails and the session is the same; LOCK_RELEASED also when the session no longer held it.
   */
  private async releaseLock(): Promise<void> {
    const { consul, accountId, nodeId, timings, logger } = this.options;
    const id = this.sessionId;
    while (id !== null && this.sessionId === id) {
      try {
        const released = await consul.releaseLock(consulLeaderKey(accountId), leaderKeyValue(nodeId), id);
        // No longer the holder: back to the standby's renewal pace.
        if (this.lockHolderSession === id) this.lockHolderSession = null;
        logger.info({ sessionId: id, released }, released ? 'leader lock released; session kept' : 'leader lock was not held by our session');
        break;
      } catch (error) {
        this.report({ type: 'CONSUL_ERROR', operation: 'lock release', error: describeConsulError(error) });
        await sleep(timings.consulRetryIntervalMs);
      }
    }
    this.report({ type: 'LOCK_RELEASED' });
  }

  private async resign(): Promise<void> {
    this.generation++;
    this.stopAcquiring();
    clearTimeout(this.renewTimer);
    // A create still in flight sees the new generation and destroys what it made.
    await this.creating;
    const id = this.sessionId;
    this.sessionId = null;
    if (id !== null) await this.destroy(id);
    this.report({ type: 'SESSION_CLOSED' });
  }

  /** Destroy, retried with backoff; failures that are retried reach the chart (and its log) as CONSUL_ERROR. */
  private async destroy(id: string): Promise<void> {
    const { consul, timings, logger } = this.options;
    const outcome = await destroySessionWithBackoff(consul, id, timings, this.now, (error) =>
      this.report({ type: 'CONSUL_ERROR', operation: 'session destroy', error }),
    );
    if (outcome.destroyed) logger.info({ sessionId: id }, 'consul session destroyed');
    else logger.error({ sessionId: id, error: outcome.error }, 'giving up destroying the consul session; its TTL will end it');
  }
}

/** The actor the chart invokes as `election`. */
export function consulElectionActor(options: ElectionOptions) {
  return fromCallback<ElectionCommand>(({ sendBack, receive }) => {
    const election = new ConsulElection(options, sendBack);
    receive((command) => election.command(command));
    return () => election.dispose();
  });
}
