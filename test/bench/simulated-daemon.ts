// One simulated daemon of the Consul load generator: the daemon's own Consul actors, driven by a stand-in
// for the failover chart that does with them what the chart does on a healthy node, and nothing else:
// - the election (services/consul/election.ts): REGISTER at start; on SESSION_CREATED the node votes and
//   sends ACQUIRE_START (its lock watch, the blocking query, and the 30 s fallback read come with it);
//   LOCK_ACQUIRED makes it the leader, which then renews at holderRenewIntervalMs as the real one does;
//   SESSION_LOST registers again. Renewal pace, retries and the fallback poll are all the election's own.
// - the member publisher (services/pool/member-publisher.ts): started at once, rewritten every interval
//   and at once (debounced) on a change of state or lock, as src/membership.ts wires it.
// - the pool reader (services/pool/membership-actors.ts poolReaderActor): runs while the node votes.
// - the handover watch (services/pool/handover-actor.ts): a blocking query on the pool's handover record.
// What is not here makes no Consul request in a steady pool: neard and its guard (the guard destroys a
// session only when it fences neard), the status poller, the production watch, and the history recorder
// (it writes only when the validator changes).
import { pino } from 'pino';
import { createActor, type Actor } from 'xstate';
import type { ElectionEvent } from '../../machines/failover-events.js';
import { ConsulElection } from '../../services/consul/election.js';
import { monotonicNow } from '../../services/monotonic-clock.js';
import { HandoverWatch } from '../../services/pool/handover-actor.js';
import { MemberPublisher } from '../../services/pool/member-publisher.js';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { PoolMembers, poolReaderActor } from '../../services/pool/membership-actors.js';
import type { ActorTimings } from '../../services/service-timings.js';
import { HOT_SWAP_OFF } from '../../services/pool/member-hot-swap.js';
import { FAILSAFE_OFF } from '../../services/pool/member-failsafe.js';
import { PACKAGE_VERSION } from '../../src/package-version.js';
import type { ConsulClient } from '../../services/consul/client.js';

export type SimulatedState = 'Registering' | 'Voting' | 'Validating' | 'Stopped';

export interface SimulatedDaemonOptions {
  consul: ConsulClient;
  nodeId: string;
  accountId: string;
  timings: ActorTimings;
  /** --member-publish-interval. */
  memberPublishIntervalMs: number;
  /** Every Consul failure the actors report (CONSUL_ERROR), by operation. */
  onConsulError: (operation: string) => void;
}

/** One logger for every simulated daemon: silent, the actors' log lines cost nothing. */
const SILENT = pino({ level: 'silent' });
/** The stand-in chain's head: a block a second from a fixed origin, the same for every node. */
const CHAIN_ORIGIN_MS = Date.UTC(2026, 0, 1);
const headNow = () => Math.floor((Date.now() - CHAIN_ORIGIN_MS) / 1000);

export class SimulatedDaemon {
  state: SimulatedState = 'Registering';
  private readonly election: ConsulElection;
  private readonly publisher: MemberPublisher;
  private readonly handover: HandoverWatch;
  private readonly pool: PoolMembers;
  private reader: Actor<ReturnType<typeof poolReaderActor>> | null = null;
  private lastRenewalAt: number | null = null;
  private stopped: Promise<void> | null = null;
  private closed: (() => void) | null = null;

  constructor(private readonly options: SimulatedDaemonOptions) {
    const { consul, nodeId, accountId, timings, memberPublishIntervalMs: intervalMs } = options;
    this.pool = new PoolMembers(intervalMs, { monotonicNow, wallNow: Date.now });
    this.election = new ConsulElection({ consul, nodeId, accountId, timings, logger: SILENT, now: monotonicNow }, (event) => this.onElection(event));
    this.publisher = new MemberPublisher({ consul, accountId, nodeId, intervalMs, record: () => this.record(), logger: SILENT });
    this.handover = new HandoverWatch({ consul, accountId, timings, logger: SILENT }, (event) => {
      if (event.type === 'CONSUL_ERROR') options.onConsulError(event.operation);
    });
  }

  start(): void {
    this.publisher.start();
    this.election.command({ type: 'ELECTION.REGISTER' });
  }

  /** As a SIGTERM'd daemon: the session destroyed (the lock freed), the record withdrawn, the watches ended. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopReader();
      this.state = 'Stopped';
      this.handover.dispose();
      const closed = new Promise<void>((resolve) => (this.closed = resolve));
      this.election.command({ type: 'ELECTION.RESIGN' });
      await Promise.all([closed, this.publisher.stop()]);
      this.election.dispose();
    })();
    return this.stopped;
  }

  private onElection(event: ElectionEvent): void {
    switch (event.type) {
      case 'SESSION_CREATED':
        this.lastRenewalAt = Date.now();
        if (this.state === 'Registering') this.enterVoting();
        return;
      case 'SESSION_RENEWED':
        this.lastRenewalAt = Date.now();
        return;
      case 'LOCK_ACQUIRED':
        if (this.state !== 'Voting') return;
        this.stopReader();
        this.state = 'Validating';
        this.publisher.changed();
        return;
      case 'SESSION_LOST':
        if (this.state === 'Stopped') return;
        this.stopReader();
        this.state = 'Registering';
        this.lastRenewalAt = null;
        this.publisher.changed();
        this.election.command({ type: 'ELECTION.REGISTER' });
        return;
      case 'SESSION_CLOSED':
        this.closed?.();
        return;
      case 'CONSUL_ERROR':
        this.options.onConsulError(event.operation);
        return;
      case 'LOCK_RELEASED':
        return;
    }
  }

  private enterVoting(): void {
    const { consul, accountId, nodeId, memberPublishIntervalMs: intervalMs } = this.options;
    this.state = 'Voting';
    this.publisher.changed();
    this.election.command({ type: 'ELECTION.ACQUIRE_START' });
    this.reader = createActor(
      poolReaderActor({
        consul,
        accountId,
        nodeId,
        intervalMs,
        pool: this.pool,
        logger: SILENT,
        rule: { maxLagBlocks: 50 },
        self: () => ({ nodeId, failoverPriority: 0, noFailover: false, state: this.state, syncing: false, height: headNow() }),
      }),
    );
    this.reader.start();
  }

  private stopReader(): void {
    this.reader?.stop();
    this.reader = null;
  }

  /** A record as a synced node of a healthy pool publishes it (src/member-view.ts buildMemberRecord), of the same size. */
  private record(): MemberRecord {
    const { nodeId, accountId } = this.options;
    const validating = this.state === 'Validating';
    const detail = validating ? 'Validating.Leased' : this.state === 'Voting' ? 'Voting.Contending' : this.state;
    return {
      nodeId,
      accountId,
      state: this.state,
      detail,
      holdsLock: validating,
      height: headNow(),
      headRate: 1,
      syncing: false,
      lastRenewalAt: this.lastRenewalAt,
      version: PACKAGE_VERSION,
      neardVersion: '2.6.5',
      eligible: true,
      ineligibleReason: null,
      noFailover: false,
      failoverPriority: 0,
      publishedAt: Date.now(),
      ...HOT_SWAP_OFF,
      ...FAILSAFE_OFF,
      production: validating
        ? { health: 'producing', verdict: null, detail: 'produced 12 of 12 duties in the last minute', takeover: null, countsProblem: null }
        : { health: null, verdict: 'healthy', detail: 'producing', takeover: null, countsProblem: null },
    };
  }
}
