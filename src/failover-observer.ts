/**
 * The one subscriber to the failover actor. It turns what the chart does into everything an operator
 * sees: one log line per transition (with its cause), the kuutamod_* metrics, the recent transition
 * history for /state, and log lines for the facts that explain trouble (neard exits, fence kills,
 * failed /status, Consul errors). Nothing else in the daemon logs transitions or sets these metrics
 * (the account's production counts and hot-swap readiness come from elsewhere: src/daemon.ts).
 */
import type { Logger } from 'pino';
import type { AnyEventObject, InspectionEvent, SnapshotFrom } from 'xstate';
import type { FailoverEvent, TakeoverCheckResult } from '../machines/failover-events.js';
import type { FailoverMachine, FailoverStateName } from '../machines/failover.js';
import { roleOf, stateNamesOf } from '../machines/roles.js';
import { HeadRate } from './head-rate.js';
import type { DaemonMetrics } from './metrics.js';
import { productionChanges, productionFactsOf, productionGaugesOf, type ProductionFacts } from './production-feed.js';

export interface TransitionRecord {
  from: FailoverStateName | null;
  to: FailoverStateName;
  /** ISO 8601 time of the transition. */
  at: string;
  /** The event that caused it (e.g. LOCK_ACQUIRED, SESSION_LOST, SHUTDOWN). */
  cause: string;
}

export type FailoverSnapshot = SnapshotFrom<FailoverMachine>;

export type ChangeListener = (snapshot: FailoverSnapshot, transition: TransitionRecord | null, cause: AnyEventObject) => void;

/** The check after this node's latest takeover, kept after it leaves Validating (the chart forgets it). */
export interface TakeoverCheckRecord extends TakeoverCheckResult {
  /** ISO 8601 time it was decided. */
  at: string;
}

const HISTORY_LENGTH = 50;
const TARGET = 'kuutamod::supervisor';

export class FailoverObserver {
  readonly history: TransitionRecord[] = [];
  private state: FailoverStateName | null = null;
  /** neard's version from its last /status answer that named one (the member record shows it). */
  neardVersion: string | null = null;
  /** How fast neard's head advances (the member record publishes it). */
  readonly headRate = new HeadRate();
  /** The last eligibility decision logged: each is said once per change. */
  private lastEligibility: string | null = null;
  private latest: FailoverSnapshot | null = null;
  private production: ProductionFacts | null = null;
  /** The check after this node's latest takeover, once decided (null: none since the daemon started). */
  lastTakeoverCheck: TakeoverCheckRecord | null = null;
  private readonly listeners = new Set<ChangeListener>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: DaemonMetrics,
  ) {}

  get snapshot(): FailoverSnapshot | null {
    return this.latest;
  }

  get currentState(): FailoverStateName | null {
    return this.state;
  }

  /** Called for every snapshot; `transition` is set when the top-level state changed; `cause` is the event the chart handled. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pass as `inspect` to createActor: sees every snapshot of the root actor with its cause. */
  readonly inspect = (inspection: InspectionEvent): void => {
    if (inspection.type !== '@xstate.snapshot' || inspection.actorRef.sessionId !== inspection.rootId) return;
    this.record(inspection.snapshot as FailoverSnapshot, inspection.event);
  };

  private record(snapshot: FailoverSnapshot, event: AnyEventObject): void {
    this.latest = snapshot;
    const fact = event as FailoverEvent;
    if (fact.type === 'STATUS_OK') {
      if (typeof fact.neardVersion === 'string') this.neardVersion = fact.neardVersion;
      this.headRate.record(fact.height);
    }
    this.logFact(event as FailoverEvent, snapshot);
    const to = stateNamesOf(snapshot.value).state;
    let transition: TransitionRecord | null = null;
    if (to !== this.state) {
      transition = { from: this.state, to, at: new Date().toISOString(), cause: event.type };
      this.history.push(transition);
      if (this.history.length > HISTORY_LENGTH) this.history.shift();
      const message = this.state === null ? `state: ${to}` : `state changed: ${this.state} -> ${to}`;
      this.logger.info({ target: TARGET, cause: event.type }, message);
      if (this.state !== null) this.metrics.recordTransition(this.state, to);
      this.state = to;
      this.metrics.setState(to);
    }
    this.countFact(event as FailoverEvent);
    const { context } = snapshot;
    this.metrics.setRole(roleOf(snapshot));
    this.metrics.setNeardRestarts(context.neardRestarts);
    this.metrics.setLockHeld(context.holdsLock);
    this.metrics.setNeardStatus({ syncing: context.syncing, height: context.blockHeight });
    this.recordProduction(snapshot);
    for (const listener of this.listeners) listener(snapshot, transition, event);
  }

  /** The production gauges of this snapshot, and what changed since the last one: counted, and a decided takeover check logged. */
  private recordProduction(snapshot: FailoverSnapshot): void {
    const facts = productionFactsOf(snapshot);
    this.metrics.setProductionGauges(productionGaugesOf(facts));
    for (const change of productionChanges(this.production, facts)) {
      if (change.kind === 'claim') this.metrics.recordProductionClaim(change.reason);
      else if (change.kind === 'handover') this.metrics.recordProductionHandover();
      else {
        const { result, detail } = change.check;
        this.metrics.recordTakeoverCheck(result);
        this.lastTakeoverCheck = { result, detail, at: new Date().toISOString() };
        const level = result === 'producing' ? 'info' : 'warn';
        this.logger[level]({ target: TARGET, takeoverCheck: result }, `check after the takeover: ${detail}`);
      }
    }
    this.production = facts;
  }

  /** Metrics of facts the chart keeps no count of: renewals by result, Consul's confirmations, fence kills. */
  private countFact(event: FailoverEvent): void {
    const metrics = this.metrics;
    switch (event.type) {
      case 'SESSION_CREATED':
        metrics.recordSessionConfirmed(Date.now());
        return;
      case 'SESSION_RENEWED':
        metrics.recordRenewal('success');
        metrics.recordSessionConfirmed(Date.now());
        return;
      case 'SESSION_LOST':
        metrics.recordRenewal('lost');
        return;
      case 'CONSUL_ERROR':
        // services/consul/election.ts names a failed renewal so.
        if (event.operation === 'session renew') metrics.recordRenewal('error');
        return;
      case 'NEARD_FENCED':
        metrics.recordFenceKill();
        return;
      default:
        return;
    }
  }

  /**
   * What this node does about the lock, said once per change (the reader reports every interval). The
   * decision is the chart's: the Voting substate it is in after the fact (Standing, Yielding, Contending);
   * the fact only adds the words (why not eligible, who outranks it, how many others are alive).
   */
  private logEligibility(event: Extract<FailoverEvent, { type: 'ELIGIBILITY' }>, snapshot: FailoverSnapshot): void {
    const others = `${event.eligibleOthers} other eligible standby(s) alive`;
    const decided = stateNamesOf(snapshot.value).detail;
    // The decision, not its numbers (a lag grows by the block), is what is logged once per change.
    const [level, decision, message]: ['info' | 'warn', string, string] | [null, string, string] = snapshot.context.noFailover
      ? event.eligibleOthers === 0
        ? ['warn', 'no-failover, alone', '--no-failover: this node never takes the validator lock, although no other eligible standby is left to take over']
        : ['info', 'no-failover', `--no-failover: this node never takes the validator lock (${others})`]
      : decided === 'Voting.Standing'
        ? ['info', 'standing aside', `not contending for the validator lock: ${event.reason}; ${others}`]
        : decided === 'Voting.Yielding'
          ? ['info', `yielding to ${event.outrankedBy}`, `contending for the validator lock after a head start for ${event.outrankedBy} (higher --failover-priority)`]
          : decided !== 'Voting.Contending'
            ? [null, decided, '']
            : !event.eligible
              ? ['warn', 'lagging, alone', `contending for the validator lock although ${event.reason}: no eligible standby is left, and an outage is worse than a lagging validator`]
              : ['info', 'eligible', 'eligible: contending for the validator lock'];
    // Elsewhere (a handover, resigning) the fact changed nothing: nothing to say.
    if (level === null || decision === this.lastEligibility) return;
    this.lastEligibility = decision;
    this.logger[level]({ target: TARGET, eligible: event.eligible, eligibleOthers: event.eligibleOthers }, message);
  }

  private logFact(event: FailoverEvent, snapshot: FailoverSnapshot): void {
    const log = this.logger;
    switch (event.type) {
      case 'STATUS_FAILED':
        // A starting neard is expected to be silent; elsewhere every failure counts toward a restart.
        if (this.state === 'Startup') log.debug({ target: TARGET }, `Cannot reach neard status api: ${event.error}`);
        else log.warn({ target: TARGET }, `Cannot reach neard status api: ${event.error}`);
        return;
      case 'NEARD_EXITED':
        log.warn({ target: TARGET, neard_pid: event.pid, code: event.code, signal: event.signal }, `neard (${event.mode}) exited`);
        return;
      case 'NEARD_FENCED':
        log.warn({ target: TARGET, neard_pid: event.pid, mode: event.mode }, 'neard was killed at the lease deadline (fencing)');
        return;
      case 'NEARD_SPAWN_FAILED':
        log.error({ target: TARGET }, event.error);
        return;
      case 'CONSUL_ERROR':
        log.warn({ target: TARGET }, `consul ${event.operation} failed: ${event.error}`);
        return;
      case 'SESSION_LOST':
        log.warn({ target: TARGET }, 'consul session was invalidated');
        return;
      case 'SHUTDOWN':
        log.info({ target: 'kuutamod::exit_signal_handler' }, `${event.reason} received`);
        return;
      case 'ELIGIBILITY':
        this.logEligibility(event, snapshot);
        return;
      default:
        return;
    }
  }
}
