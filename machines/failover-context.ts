/**
 * What the failover chart remembers (its context), what it is started with (its input) and the names an
 * operator sees. Facts are recorded here once, by the actions in failover-setup.ts and handover-setup.ts;
 * guards and delays read them from here, never re-derive them from the event at hand.
 */
import type { CancelOutcome, FailoverEvent, HandoverRecord, NeardMode, ScheduleOutcome, TakeoverCheckResult } from './failover-events.js';
import { DEFAULT_TIMINGS, type FailoverTimings } from './failover-timings.js';
import { DEFAULT_PRODUCTION_THRESHOLDS } from './production-rules.js';
import type { ProductionVerdict } from './production-rules.js';
import { DEFAULT_PRODUCTION_RULE, type ProductionRule } from './production-view.js';

/** The six states of kuutamod, in the order an operator sees them on a healthy start. */
export const FAILOVER_STATES = ['Startup', 'Syncing', 'Registering', 'Voting', 'Validating', 'Shutdown'] as const;
export type FailoverStateName = (typeof FAILOVER_STATES)[number];

/**
 * Raised by the chart itself once a fact a planned switchover depends on is recorded (a handover record, a
 * new head or a neard start while validating): the handover decisions then read the context, which already
 * holds the fact. Actors never send it.
 */
export type HandoverCheck = { type: 'HANDOVER_CHECK' };

/** Every event the chart handles: the actors' facts, and its own HANDOVER_CHECK. */
export type ChartEvent = FailoverEvent | HandoverCheck;

/** The production watch's latest judgements as the chart recorded them (issue 17). */
export interface ChartProduction {
  /** A standby's verdict on the leader (null: none yet, or this node leads). */
  verdict: ProductionVerdict | null;
  leaderId: string | null;
  /** The leader's own production (null: not leading). */
  own: { health: 'checking' | 'producing' | 'degraded'; detail: string } | null;
  /** The check after this node's latest takeover, once decided (null: none, or still checking). */
  takeover: TakeoverCheckResult | null;
  countsProblem: string | null;
}

/**
 * The chart's answer to the control socket's latest accepted restart request (restart-setup.ts). Final
 * phases: switchover (this node leads: the route requests a planned switchover, which the chart then
 * carries out), scheduled and cancelled (with the neard actor's outcome). While scheduling or cancelling,
 * the neard actor works on it and another request is refused (RestartRefusal, which leaves this one be).
 */
export type PlannedRestart = { requestId: string } & (
  | { phase: 'switchover' }
  /** A standby whose neard runs steadily: the route may choose a height. */
  | { phase: 'approved'; neardPid: number }
  | { phase: 'scheduling'; neardPid: number; height: number }
  | { phase: 'scheduled'; neardPid: number; outcome: ScheduleOutcome }
  | { phase: 'cancelling' }
  | { phase: 'cancelled'; outcome: CancelOutcome }
);

/** A restart request the chart refused, and why, in words for the operator. */
export interface RestartRefusal {
  requestId: string;
  message: string;
}

export interface FailoverInput {
  timings?: Partial<FailoverTimings>;
  /** Clock in ms: the daemon passes the monotonic clock it shares with the neard guard; tests a simulated one. */
  now?: () => number;
  /** This node's id (--node-id): a handover record names its leader and candidate by it. */
  nodeId?: string;
  /** Wall clock in ms, for the deadlines of handover records other nodes read (default Date.now). */
  wallNow?: () => number;
  /** --no-failover: register and stand aside, never contend for the lock. */
  noFailover?: boolean;
  /** Production health thresholds and moves (issue 17; defaults in production-rules.ts and production-view.ts). */
  production?: Partial<ProductionRule>;
}

export interface FailoverContext {
  timings: FailoverTimings;
  now: () => number;
  /** 1-based attempt of the current Startup. */
  startupAttempt: number;
  statusFailures: number;
  statusFailureLimit: number;
  /**
   * The mode of the neard the chart asked to (re)start whose NEARD_STARTED has not arrived yet (null: none
   * awaited). Until it arrives, /status may be answered by the old process, still in its stop grace period.
   */
  neardStartAwaited: NeardMode | null;
  neardPid: number | null;
  neardMode: NeardMode | null;
  neardRestarts: number;
  syncing: boolean | null;
  blockHeight: number | null;
  /**
   * The neard process the latest /status answer is known to come from (null: it may be an earlier one). A
   * restart leaves `syncing` and `blockHeight` as the old process last said until the new one answers, and a
   * restarted neard catches up first.
   */
  statusFromPid: number | null;
  /** The validator key was handed to neard and its release is not confirmed yet. */
  keyInUse: boolean;
  /** The session must be released as soon as the key is confirmed out of use. */
  resignPending: boolean;
  sessionId: string | null;
  /** A session exists or is being created. */
  sessionOpen: boolean;
  /** Send time of the last successful session create or renewal (the TTL counts from later than this). */
  lastRenewalSentAt: number | null;
  holdsLock: boolean;
  lastError: string | null;
  /** Set when the daemon must exit with an error after Shutdown. */
  fatalError: string | null;
  nodeId: string;
  wallNow: () => number;
  /** The pool's planned switchover as last reported from Consul (null: none). */
  handover: HandoverRecord | null;
  /** The lock (not the session) must be freed for a handover as soon as the key is confirmed out of use. */
  releaseLockPending: boolean;
  /**
   * The id of the handover this node last gave the role up for (HandingOver), whatever the echo of its own
   * record writes says: a Consul cut can hold them back until after this node took the role back.
   */
  handingOverId: string | null;
  /** --no-failover: this node never contends for the lock. */
  noFailover: boolean;
  /** The answer to the latest restart request from the control socket (null: none yet). */
  restart: PlannedRestart | null;
  /** The latest refused restart request (null: none yet). */
  restartRefusal: RestartRefusal | null;
  productionRule: ProductionRule;
  /** The production watch's judgements, as last reported. */
  production: ChartProduction;
  /**
   * This node lost the role for not producing: not eligible until `until` (the chart's clock), so the role
   * does not come straight back to it (no ping-pong). null: not benched.
   */
  bench: { until: number; reason: string } | null;
  /**
   * Failsafe (issue 18): this node confirmed a leader and takes no lock before this time (the chart's clock),
   * even a free one: that leader may still validate while Consul is out of its reach. null: never confirmed.
   */
  refrainUntil: number | null;
}

export function initialContext(input: FailoverInput): FailoverContext {
  const timings = { ...DEFAULT_TIMINGS, ...input.timings };
  return {
    nodeId: input.nodeId ?? 'node',
    wallNow: input.wallNow ?? Date.now,
    handover: null,
    releaseLockPending: false,
    handingOverId: null,
    timings,
    now: input.now ?? Date.now,
    startupAttempt: 1,
    statusFailures: 0,
    statusFailureLimit: timings.statusFailureLimitAfterRestart,
    neardStartAwaited: null,
    neardPid: null,
    neardMode: null,
    neardRestarts: 0,
    syncing: null,
    blockHeight: null,
    statusFromPid: null,
    keyInUse: false,
    resignPending: false,
    sessionId: null,
    sessionOpen: false,
    lastRenewalSentAt: null,
    holdsLock: false,
    lastError: null,
    fatalError: null,
    noFailover: input.noFailover ?? false,
    restart: null,
    restartRefusal: null,
    productionRule: { ...DEFAULT_PRODUCTION_THRESHOLDS, ...DEFAULT_PRODUCTION_RULE, ...input.production },
    production: { verdict: null, leaderId: null, own: null, takeover: null, countsProblem: null },
    bench: null,
    refrainUntil: null,
  };
}
