/**
 * The vocabulary between the failover chart and its actors.
 * Actors report facts (events); the chart answers with commands. Nobody else decides a state change.
 */

import type { ProductionVerdict } from './production-rules.js';

export type NeardMode = 'voter' | 'validator';

/** The check after a takeover, once decided: producing, not producing, or nothing proven within the grace. */
export interface TakeoverCheckResult {
  result: 'producing' | 'not-producing' | 'unconfirmed';
  detail: string;
}

/** Facts reported by the neard process actor. */
export type NeardEvent =
  | { type: 'NEARD_STARTED'; pid: number; mode: NeardMode; restart: boolean }
  /** neard exited without being asked to. */
  | { type: 'NEARD_EXITED'; pid: number; mode: NeardMode; code: number | null; signal: string | null }
  /**
   * The neard guard SIGKILLed neard at the lease deadline (fencing). Reported for operators (a metric and a
   * log line), not for the chart: NEARD_EXITED or the requested stop's answer follows as usual.
   */
  | { type: 'NEARD_FENCED'; pid: number; mode: NeardMode }
  /** neard stopped because the chart asked for it (STOP), or there was nothing to stop. */
  | { type: 'NEARD_STOPPED' }
  /** No process holds the validator key any more (after it was requested, the key is confirmed out of use). */
  | { type: 'NEARD_KEY_RELEASED' }
  /** neard could not be spawned at all: a setup error, not a crash. */
  | { type: 'NEARD_SPAWN_FAILED'; error: string }
  /** The answer to NEARD.SCHEDULE_STOP: neard confirmed its planned stop, or nothing is scheduled and why. */
  | { type: 'NEARD_STOP_SCHEDULED'; requestId: string; outcome: ScheduleOutcome }
  /** The answer to NEARD.CANCEL_STOP. */
  | { type: 'NEARD_STOP_CANCELLED'; requestId: string; outcome: CancelOutcome };

/** How scheduling a planned stop ended (kuutamoctl restart on a standby). */
export type ScheduleOutcome =
  /** neard confirmed expected_shutdown; `previous` is the operator's own value, put back after the restart. */
  | { ok: true; height: number; previous: number | null }
  /**
   * Nothing is scheduled (anything written was undone): busy (the key is being handed to neard), gone (neard
   * is not running), unconfirmed (neard did not show the value), file (config.json), or error.
   */
  | { ok: false; failure: 'busy' | 'gone' | 'unconfirmed' | 'file' | 'error'; message: string };

/** How cancelling kuutamod's planned stop ended. */
export type CancelOutcome =
  | {
      ok: true;
      /** The height that was scheduled. */
      height: number;
      /** expected_shutdown in config.json now; null: none. */
      expectedShutdown: number | null;
      keptOperatorValue: boolean;
      confirmed: boolean;
      /** In words, for the operator: what neard now holds. */
      neard: string;
    }
  /** none: kuutamod had nothing scheduled; file or error: could not be undone. */
  | { ok: false; failure: 'none' | 'file' | 'error'; message: string };

/** Facts reported by the status poller. */
export type StatusEvent =
  | { type: 'STATUS_OK'; syncing: boolean; height: number; validatorAccountId: string | null; neardVersion?: string | null }
  | { type: 'STATUS_FAILED'; error: string };

/** Facts reported by the Consul election actor. */
export type ElectionEvent =
  | { type: 'SESSION_CREATED'; sessionId: string; sentAt: number }
  | { type: 'SESSION_RENEWED'; sentAt: number }
  /** Consul answered 404 to a renewal: the session (and with it our lock) is gone. */
  | { type: 'SESSION_LOST' }
  /** The session was destroyed on request, or there was none. */
  | { type: 'SESSION_CLOSED' }
  | { type: 'LOCK_ACQUIRED' }
  /** The lock was freed on request (ELECTION.RELEASE_LOCK); the session lives on. */
  | { type: 'LOCK_RELEASED' }
  | { type: 'CONSUL_ERROR'; operation: string; error: string };

/**
 * A planned switchover as recorded in Consul (`kuutamod-handover/<account>`, services/pool/handover-record.ts).
 * phase: requested -> releasing -> released -> done, or failed / cancelled; the last three are terminal.
 */
export type HandoverPhase = 'requested' | 'releasing' | 'released' | 'done' | 'failed' | 'cancelled';
export const TERMINAL_HANDOVER_PHASES: readonly HandoverPhase[] = ['done', 'failed', 'cancelled'];

export interface HandoverRecord {
  id: string;
  /** Node id of the leader giving the role away, and of the standby taking it. */
  from: string;
  to: string;
  /** now: at once; window: once the head reaches window.start (a maintenance window of the account). */
  mode: 'now' | 'window';
  minimumLength: number;
  /** Half-open block range [start, end); null in mode now. */
  window: { start: number; end: number } | null;
  /** Wall-clock ms. */
  requestedAt: number;
  requestedBy: string;
  phase: HandoverPhase;
  /** Wall-clock ms by which the candidate must validate (set when releasing starts); null before. */
  deadlineAt: number | null;
  message: string | null;
}

/** Facts reported by the handover actor: the handover record changed (null: none, or unreadable). */
export type HandoverEvent = { type: 'HANDOVER_UPDATED'; record: HandoverRecord | null };

/**
 * Facts reported by the pool member reader (src/membership.ts) after each read of the pool's member
 * records, while this node is in Voting: whether it is eligible by the rule, how many other live standbys
 * are, and the highest-priority one of those that outranks it, if any (judgePool in pool-rules.ts).
 */
export type MembershipEvent = {
  type: 'ELIGIBILITY';
  eligible: boolean;
  /** Why not eligible (null when eligible). */
  reason: string | null;
  /** Other live members in Voting that are eligible: they could take over instead of this node. */
  eligibleOthers: number;
  /** The highest-priority eligible standby with a higher --failover-priority than this node (null: none). */
  outrankedBy: string | null;
};

/** Asked by the operator or the OS. */
export type ShutdownEvent = { type: 'SHUTDOWN'; reason: string };

/**
 * Requests from the control socket (kuutamoctl restart): the route forwards them, the chart decides and
 * records its answer in the context (`restart`), which the route reports.
 */
export type RestartRequestEvent =
  /** Restart this node's neard: as a standby (schedule a stop), or, if it leads, by a planned switchover. */
  | { type: 'RESTART_REQUESTED'; requestId: string }
  /** The approved request's stop height, chosen by the route from neard's maintenance windows. */
  | { type: 'RESTART_SCHEDULE'; requestId: string; height: number }
  /** Undo kuutamod's planned stop. */
  | { type: 'RESTART_CANCEL_REQUESTED'; requestId: string };

/**
 * Facts reported by the production watch (src/production-watch.ts) every check interval while this node is
 * in the election (issue 17), judged from its own neard's head and counts and the leader's member record
 * (machines/production-view.ts). A standby reports its verdict on the leader; the leader its own production.
 */
export type ProductionEvent =
  | {
      type: 'PRODUCTION_VERDICT';
      verdict: ProductionVerdict;
      /** The leader judged (null: no live member holds the lock). */
      leaderId: string | null;
      /** Why the chain's counts cannot be read (the miss signal is off; the head signal still works). null: readable. */
      countsProblem: string | null;
    }
  | {
      type: 'OWN_PRODUCTION';
      /** checking: no duty produced since the takeover yet; degraded: own counts show a run of misses, or own head stopped. */
      health: 'checking' | 'producing' | 'degraded';
      /** The check after this node's takeover (null: not this node's to report). */
      takeover: TakeoverCheckResult | null;
      detail: string;
      countsProblem: string | null;
    };

/**
 * Failsafe mode (issue 18, docs/failsafe-design.md): this member confirmed a leader's authenticated request
 * and must take no lock before `refrainUntil` (the chart's clock), whatever Consul says.
 */
export type FailsafeEvent = { type: 'FAILSAFE_CONFIRMED'; refrainUntil: number };

export type FailoverEvent = NeardEvent | StatusEvent | ElectionEvent | HandoverEvent | ShutdownEvent | MembershipEvent | RestartRequestEvent | ProductionEvent | FailsafeEvent;

/** Commands the chart sends to the neard process actor. */
export type NeardCommand =
  /** Make sure neard runs in this mode (start it, or restart it in the other mode). */
  | { type: 'NEARD.RUN'; mode: NeardMode }
  /** Kill the running neard and start it again in the same mode (it stopped answering). */
  | { type: 'NEARD.RESTART' }
  | { type: 'NEARD.STOP' }
  /**
   * A validating neard must be dead by this monotonic time (last renewal's send time + TTL - margin). The
   * lease belongs to `sessionId` (null: the chart knows no session), so the neard guard can refuse a lease
   * of a session it destroyed after fencing.
   */
  | { type: 'NEARD.LEASE'; killAt: number; sessionId: string | null }
  /** Our current session, to be destroyed by the neard guard if the daemon dies (null: none). */
  | { type: 'NEARD.SESSION'; sessionId: string | null }
  /**
   * Make the running neard (pid) stop by itself at `height` (expected_shutdown, reloaded by SIGHUP through the
   * guard); answered by NEARD_STOP_SCHEDULED.
   */
  | { type: 'NEARD.SCHEDULE_STOP'; requestId: string; pid: number; height: number }
  /** Undo kuutamod's planned stop; answered by NEARD_STOP_CANCELLED. */
  | { type: 'NEARD.CANCEL_STOP'; requestId: string };

/** Commands the chart sends to the member publisher actor. */
export type MembershipCommand =
  /** Shutdown: delete this node's member record and its member session now, and publish no more. */
  { type: 'MEMBERS.WITHDRAW' };

/** Commands the chart sends to the Consul election actor. */
export type ElectionCommand =
  /** Create a session (if there is none) and keep renewing it. */
  | { type: 'ELECTION.REGISTER' }
  /** Try for the lock; with `delayMs`, every attempt (the first, and each after the lock was seen free) waits that long. */
  | { type: 'ELECTION.ACQUIRE_START'; delayMs?: number }
  | { type: 'ELECTION.ACQUIRE_STOP' }
  /** Stop everything and destroy the session; answered by SESSION_CLOSED. */
  | { type: 'ELECTION.RESIGN' }
  /** Free the leader lock but keep the session (a planned handover); answered by LOCK_RELEASED. */
  | { type: 'ELECTION.RELEASE_LOCK' };

/**
 * Commands the chart sends to the handover actor: move the record `id` (and no other) to `phase`, by
 * check-and-set; a record that already ended or moved past `phase` is left alone.
 */
export type HandoverCommand =
  | { type: 'HANDOVER.WRITE'; id: string; phase: HandoverPhase; message: string | null; deadlineAt?: number; onlyFrom?: HandoverPhase }
  /**
   * A standby's production move (issue 17): create a mode-now record from the leader `from` to this node
   * `to`, by check-and-set on "no handover under way", so of several standbys asking at once one wins.
   */
  | { type: 'HANDOVER.CLAIM'; from: string; to: string; requestedBy: string; message: string };
