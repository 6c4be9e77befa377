/**
 * The membership publisher: keeps this node's MemberRecord (member-record.ts) in Consul at
 * `kuutamod-members/<account>/<node id>` for `kuutamoctl list`, the /ui table and the eligibility rule.
 *
 * The record is held by a Consul session of its own, `<node id>-member`, never the election session: a
 * syncing node has no election session, and the election session's life must stay exactly what the
 * fencing argument (docs/safety.md) says. The member session has TTL = 3 x the publish interval, Behavior
 * delete, LockDelay 0 and no checks, so a dead node's record is deleted by Consul within 2 x TTL; a clean
 * stop deletes it and destroys the session at once.
 * Every interval the record is rewritten, every other interval the session renewed; a change of state or
 * lock is written at once, at most once a second. At the default 15 s that is 6 Consul requests a minute,
 * 10 on a standby (the pool read, membership-actors.ts).
 * Consul trouble here never touches failover: it is logged once per outage and retried next interval.
 */
import type { Logger } from 'pino';
import { consulStatusCode, describeConsulError, type ConsulClient } from '../consul/client.js';
import { memberKeyOf, type MemberRecord } from './member-record.js';

/** Consul refuses session TTLs under 10 s. */
export const MIN_MEMBER_SESSION_TTL_MS = 10_000;
/** A burst of changes (Voting -> Validating -> ...) is written as one record at most this often. */
export const MEMBER_WRITE_DEBOUNCE_MS = 1_000;

/** The member session's TTL for a publish interval: three intervals, never under Consul's minimum. */
export const memberSessionTtlMs = (intervalMs: number): number => Math.max(MIN_MEMBER_SESSION_TTL_MS, 3 * intervalMs);

export interface MemberPublisherOptions {
  consul: ConsulClient;
  accountId: string;
  nodeId: string;
  /** --member-publish-interval. */
  intervalMs: number;
  /** This node's record as of now (the daemon builds it from the failover observer's snapshot). */
  record: () => MemberRecord;
  logger: Logger;
}

export class MemberPublisher {
  private sessionId: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  /** A write was asked for while one ran: run another right after. */
  private again = false;
  private lastWriteAt = 0;
  /** When the member session was last created or renewed (a change written in between needs no renewal). */
  private lastRenewAt = 0;
  private stopped = false;
  /** The one withdrawal (stop() is called by the chart's command and again when the actor stops). */
  private stopping: Promise<void> | null = null;
  /** Consul is failing for us: the first failure was logged, the rest are not until it works again. */
  private outage = false;
  private readonly key: string;

  constructor(private readonly options: MemberPublisherOptions) {
    this.key = memberKeyOf(options.accountId, options.nodeId);
  }

  start(): void {
    this.publishSoon(0);
  }

  /** State or lock changed: publish now, or as soon as the debounce allows. */
  changed(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.publishSoon(Math.max(0, this.lastWriteAt + MEMBER_WRITE_DEBOUNCE_MS - Date.now()));
  }

  /** Clean stop: no more writes; the record is deleted and the member session destroyed, best effort. */
  stop(): Promise<void> {
    this.stopping ??= this.withdraw();
    return this.stopping;
  }

  private async withdraw(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    const { consul, logger } = this.options;
    const id = this.sessionId;
    this.sessionId = null;
    try {
      await consul.deleteKey(this.key);
      // Behavior delete would remove the record with the session too; deleting first keeps a failed destroy harmless.
      if (id !== null) await consul.destroySession(id);
      logger.info({ key: this.key }, 'member record removed');
    } catch (error) {
      logger.warn({ key: this.key }, `could not remove the member record (its session's TTL will): ${describeConsulError(error)}`);
    }
  }

  private publishSoon(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = this.publish().finally(() => (this.running = null));
    await this.running;
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.publishSoon(MEMBER_WRITE_DEBOUNCE_MS);
    } else {
      this.publishSoon(this.options.intervalMs);
    }
  }

  private async publish(): Promise<void> {
    try {
      const sessionId = await this.liveSession();
      this.lastWriteAt = Date.now();
      const write = () => this.options.consul.writeKey(this.key, JSON.stringify(this.options.record()), { acquire: sessionId });
      if (!(await write()) && !((await this.dropPreviousRun(sessionId)) && (await write()))) {
        throw new Error(`Consul refused to let session ${sessionId} hold ${this.key}: another session holds it (its TTL ends it)`);
      }
      if (this.outage) this.options.logger.info({ key: this.key }, 'member record published again');
      this.outage = false;
    } catch (error) {
      if (!this.outage) {
        this.options.logger.warn({ key: this.key }, `cannot publish the member record (retrying every ${this.options.intervalMs} ms; failover is not affected): ${describeConsulError(error)}`);
      }
      this.outage = true;
    }
  }

  /**
   * The record is held by another session: if that is `<node id>-member`, a previous run of this daemon
   * (killed: nobody destroyed it) holds it, and would keep the record stale for up to 2 x TTL. Destroy it.
   * true: destroyed, write again.
   */
  private async dropPreviousRun(ourSession: string): Promise<boolean> {
    const { consul, nodeId, logger } = this.options;
    const holder = (await consul.readRecord(this.key))?.Session;
    if (holder === undefined || holder === ourSession) return false;
    if ((await consul.sessionInfo(holder))?.Name !== `${nodeId}-member`) return false;
    await consul.destroySession(holder);
    logger.info({ key: this.key, sessionId: holder }, 'destroyed the member session of a previous run of this node');
    return true;
  }

  /** The member session, renewed now; a new one if Consul no longer knows it (or there was none). */
  private async liveSession(): Promise<string> {
    const { consul, nodeId, intervalMs } = this.options;
    if (this.sessionId !== null) {
      // Renewed every other interval, not on every write: the TTL is three intervals (and Consul waits up to
      // twice that), and each request counts in a standby's Consul budget.
      if (Date.now() - this.lastRenewAt < 1.5 * intervalMs) return this.sessionId;
      try {
        await consul.renewSession(this.sessionId);
        this.lastRenewAt = Date.now();
        return this.sessionId;
      } catch (error) {
        if (consulStatusCode(error) !== 404) throw error;
        this.sessionId = null;
      }
    }
    this.lastRenewAt = Date.now();
    this.sessionId = await consul.createSession({
      name: `${nodeId}-member`,
      ttlMs: memberSessionTtlMs(intervalMs),
      behavior: 'delete',
      lockDelayMs: 0,
      // As the election session: no serfHealth, only the TTL ends it.
      checks: [],
    });
    return this.sessionId;
  }
}
