/**
 * The failover algorithm of kuutamod as one statechart.
 *
 *   Startup ──status answers──▶ Syncing ──synced──▶ Registering ──session──▶ Voting ──lock──▶ Validating
 *      ▲  (neard exits, /status fails N times)  ◀──────────────────────────────┘ (session lost: Registering,
 *      │                                            no renewal 25 s: Voting.Resigning, then Registering anew)
 *   any state ──SIGTERM/SIGINT/...──▶ Shutdown (stop neard first, then destroy the session)
 *
 * Transitions several states share are declared once on a grouping state above them: NeardUp (Syncing to
 * Validating: neard exits or hangs -> Startup, falls behind -> Syncing) and InSession (Voting, Validating:
 * session lost -> Registering). A child's own transition wins where it must differ. Grouping states are not
 * kuutamod states: `stateNamesOf` leaves them out of every name operators see (metrics, logs, /state).
 *
 * Three long-lived actors are invoked at the root and only report facts: `neard` (the process),
 * `statusPoller` (neard's /status) and `election` (the Consul session and lock). The chart alone decides,
 * and answers with commands (see failover-events.ts). No I/O and no timers of its own: delays are named
 * and read from `context.timings`.
 *
 * Safety rule: the session (and with it the lock) is only released once the neard actor confirmed that
 * no process holds the validator key any more (`keyInUse` / NEARD_KEY_RELEASED).
 *
 * Restart rule: after the chart asks for a neard (re)start, /status answers may still come from the OLD
 * process during its SIGTERM grace period. They prove nothing about the new one, so the lenient failure
 * limit stays, and Startup is not left, until the neard actor reported the new process started
 * (`neardStartAwaited` / NEARD_STARTED); only an answer after that restores the strict limit.
 */
import { assertEvent, assign, enqueueActions, fromCallback, sendTo, setup, type EventObject, type StateValue } from 'xstate';
import type { ElectionCommand, FailoverEvent, HandoverCommand, HandoverRecord, NeardCommand, NeardMode } from './failover-events.js';
import { candidateOfHandover, handoverDue, handoverEnded, handoverTakenOver, handoverWindowMissed, isTerminal, promotionEndsHandover, recordIn, yieldsToHandover } from './handover-rules.js';
import { DEFAULT_TIMINGS, type FailoverTimings } from './failover-timings.js';

/** The six states of kuutamod, in the order an operator sees them on a healthy start. */
export const FAILOVER_STATES = ['Startup', 'Syncing', 'Registering', 'Voting', 'Validating', 'Shutdown'] as const;
export type FailoverStateName = (typeof FAILOVER_STATES)[number];

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
}

/** Placeholders: the daemon and the tests provide the real actors with `machine.provide({ actors })`. */
const idleActor = <TCommand extends EventObject>() => fromCallback<TCommand>(() => undefined);

/** The head height a fact reports, else the last one recorded. */
function heightIn(context: FailoverContext, event: FailoverEvent): number | null {
  return event.type === 'STATUS_OK' ? event.height : context.blockHeight;
}

export const failoverSetup = setup({
  // XState's typing idiom: the assertion is how the types reach setup's type parameters (without it the
  // all-optional input would be inferred as `{}`), so the rule's "unnecessary" is wrong here.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  types: {} as { context: FailoverContext; events: FailoverEvent; input: FailoverInput },
  actors: {
    neard: idleActor<NeardCommand>(),
    election: idleActor<ElectionCommand>(),
    statusPoller: idleActor<EventObject>(),
    handover: idleActor<HandoverCommand>(),
  },
  delays: {
    startupTimeout: ({ context }) => context.timings.startupTimeoutMs,
    /** Step down once no renewal succeeded for stepDownAfterMs, counted from the last renewal's send time. */
    stepDownDeadline: ({ context }) => {
      const since = context.lastRenewalSentAt === null ? 0 : context.now() - context.lastRenewalSentAt;
      return Math.max(0, context.timings.stepDownAfterMs - since);
    },
    /** The old leader waits this long for the candidate to validate, then takes the role back. */
    handoverDeadline: ({ context }) => context.timings.handoverDeadlineMs,
    /** A waiting standby contends again at the handover's deadline plus a grace; the old leader without it (it comes first). */
    yieldDeadline: ({ context }) => {
      const deadlineAt = context.handover?.deadlineAt ?? context.wallNow() + context.timings.handoverDeadlineMs;
      const grace = context.handover?.from === context.nodeId ? 0 : context.timings.handoverYieldGraceMs;
      return Math.max(0, deadlineAt + grace - context.wallNow());
    },
  },
  guards: {
    startupTriesLeft: ({ context }) => context.startupAttempt < context.timings.startupTries,
    statusFailuresExhausted: ({ context }) => context.statusFailures + 1 >= context.statusFailureLimit,
    /** The neard asked for last has been reported started: /status answers now come from it. */
    restartedNeardStarted: ({ context }) => context.neardStartAwaited === null,
    reportsSynced: ({ event }) => event.type === 'STATUS_OK' && !event.syncing,
    reportsSyncing: ({ event }) => event.type === 'STATUS_OK' && event.syncing,
    // The handover rules live in handover-rules.ts, pure functions of the record, this node and the fact.
    /** The leader's handover is due: mode now, or the head reached the window's start. */
    handoverDue: ({ context, event }) => handoverDue(recordIn(context, event), context.nodeId, heightIn(context, event)),
    /** The head passed the window's end before the handover could start. */
    handoverWindowMissed: ({ context, event }) => handoverWindowMissed(recordIn(context, event), context.nodeId, heightIn(context, event)),
    /** The candidate validates with the role handed to it: the handover is done. */
    handoverTakenOver: ({ context, event }) => handoverTakenOver(context, event),
    /** The record ended (done, failed, cancelled) or is gone. */
    handoverEnded: ({ context, event }) => handoverEnded(recordIn(context, event)),
    /** This node is the candidate of a handover that is freeing the lock for it. */
    candidateOfHandover: ({ context, event }) => candidateOfHandover(recordIn(context, event), context.nodeId),
    /** A handover to another node is releasing the lock: this standby must not take it. */
    yieldsToHandover: ({ context, event }) => yieldsToHandover(recordIn(context, event), context.nodeId),
    // Eligibility (issue 8): who contends for the lock among the standbys.
    failoverDisabled: ({ context }) => context.noFailover,
    /**
     * Stand aside: --no-failover, or not eligible (syncing, too far behind the best head) while another
     * eligible standby is alive. With none left a lagging node contends anyway: an outage is worse.
     */
    mustStandAside: ({ context, event }) => event.type === 'ELIGIBILITY' && (context.noFailover || (!event.eligible && event.eligibleOthers > 0)),
    /** A live eligible standby has a higher --failover-priority: give it a head start. */
    outranked: ({ event }) => event.type === 'ELIGIBILITY' && event.outrankedBy !== null,
  },
  actions: {
    runNeardAsVoter: sendTo('neard', { type: 'NEARD.RUN', mode: 'voter' } satisfies NeardCommand),
    runNeardAsValidator: sendTo('neard', { type: 'NEARD.RUN', mode: 'validator' } satisfies NeardCommand),
    restartNeard: sendTo('neard', { type: 'NEARD.RESTART' } satisfies NeardCommand),
    stopNeard: sendTo('neard', { type: 'NEARD.STOP' } satisfies NeardCommand),
    startAcquiring: sendTo('election', { type: 'ELECTION.ACQUIRE_START' } satisfies ElectionCommand),
    /** Contend, but each attempt waits the named priorityYield delay, so a higher-priority standby wins a freed lock. */
    startAcquiringAfterYield: sendTo('election', ({ context }) => ({ type: 'ELECTION.ACQUIRE_START', delayMs: context.timings.priorityYieldMs }) satisfies ElectionCommand),
    stopAcquiring: sendTo('election', { type: 'ELECTION.ACQUIRE_STOP' } satisfies ElectionCommand),
    /** A release still deferred from an earlier state is cancelled: the session is wanted again. */
    register: enqueueActions(({ enqueue }) => {
      enqueue.assign({ sessionOpen: true, resignPending: false });
      enqueue.sendTo('election', { type: 'ELECTION.REGISTER' } satisfies ElectionCommand);
    }),
    /**
     * Give up the session now if no neard holds the validator key, else as soon as that is confirmed.
     * With `confirm`, ask even when no session is open, so the election actor answers SESSION_CLOSED.
     */
    releaseSessionWhenSafe: enqueueActions(({ context, enqueue }, params: { confirm?: boolean } | undefined) => {
      if (!context.sessionOpen && !params?.confirm) return;
      if (context.keyInUse) {
        enqueue.assign({ resignPending: true });
      } else {
        enqueue.sendTo('election', { type: 'ELECTION.RESIGN' } satisfies ElectionCommand);
      }
    }),
    handOverKey: assign({ keyInUse: true }),
    recordHandover: assign(({ event }) => {
      assertEvent(event, 'HANDOVER_UPDATED');
      return { handover: event.record };
    }),
    /** Free the lock now if no neard holds the validator key, else as soon as that is confirmed (as for the session). */
    releaseLockWhenSafe: enqueueActions(({ context, enqueue }) => {
      if (context.keyInUse) enqueue.assign({ releaseLockPending: true });
      else enqueue.sendTo('election', { type: 'ELECTION.RELEASE_LOCK' } satisfies ElectionCommand);
    }),
    cancelLockRelease: assign({ releaseLockPending: false }),
    /** HandingOver begins: the record says so, with the deadline every node can read. */
    writeReleasing: enqueueActions(({ context, enqueue }) => {
      const record = context.handover;
      if (record === null) return;
      const deadlineAt = context.wallNow() + context.timings.handoverDeadlineMs;
      enqueue.sendTo('handover', { type: 'HANDOVER.WRITE', id: record.id, phase: 'releasing', message: null, deadlineAt } satisfies HandoverCommand);
    }),
    /** The lock is free (our session lives on): the candidate may take it. */
    recordLockReleased: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ holdsLock: false });
      const record = context.handover;
      // Also when the echo of our own 'releasing' write has not arrived yet: the record only ever moves forward.
      if (record !== null && record.from === context.nodeId && !isTerminal(record)) {
        enqueue.sendTo('handover', { type: 'HANDOVER.WRITE', id: record.id, phase: 'released', message: null } satisfies HandoverCommand);
      }
    }),
    rememberHandingOver: assign({ handingOverId: ({ context }) => context.handover?.id ?? null }),
    failMissedWindow: enqueueActions(({ context, enqueue, event }) => {
      const record = recordIn(context, event);
      if (record?.window == null) return;
      const message = `window [${record.window.start}, ${record.window.end}) missed: ${context.nodeId}'s head is at ${heightIn(context, event)}`;
      enqueue.sendTo('handover', { type: 'HANDOVER.WRITE', id: record.id, phase: 'failed', message } satisfies HandoverCommand);
    }),
    completeHandover: enqueueActions(({ context, enqueue }) => {
      const record = context.handover;
      if (record === null) return;
      const message = `${context.nodeId} validates`;
      enqueue.sendTo('handover', { type: 'HANDOVER.WRITE', id: record.id, phase: 'done', message } satisfies HandoverCommand);
    }),
    /** A node that became leader outside the handover ends it, so no record is left waiting. */
    settleHandoverOnPromotion: enqueueActions(({ context, enqueue }) => {
      const record = context.handover;
      if (record === null || isTerminal(record)) return;
      // Our own handover, past its deadline: we take the role back, whatever phase the (maybe late) echo shows.
      const ours = record.id === context.handingOverId;
      if (!ours && !promotionEndsHandover(record, context.nodeId)) return;
      const message =
        ours || record.from === context.nodeId
          ? `${record.to} did not validate by the deadline; ${record.from} takes the role back`
          : `leader changed: ${context.nodeId} took the role outside the handover`;
      enqueue.sendTo('handover', { type: 'HANDOVER.WRITE', id: record.id, phase: 'failed', message } satisfies HandoverCommand);
    }),
    /**
     * neard is being (re)started in `mode`: tolerate a longer silence of /status until the new process was
     * reported started and answered once (the old one may answer meanwhile, see recordStatus).
     */
    expectNeardRestart: assign(({ context }, params: { mode: NeardMode }) => ({
      statusFailures: 0,
      statusFailureLimit: context.timings.statusFailureLimitAfterRestart,
      neardStartAwaited: params.mode,
    })),
    // Actions that read an event assert its type where they are wired: a wrong wiring fails loudly
    // instead of silently recording nothing.
    // An answer ends a run of failures. It restores the strict limit only once the restarted neard was
    // reported started: before that it may come from the old process in its stop grace period, and the
    // new one, which can take minutes to bind its RPC port, would be called hung after a few polls and
    // restarted again, in a loop.
    recordStatus: assign(({ context, event }) => {
      assertEvent(event, 'STATUS_OK');
      return {
        statusFailures: 0,
        statusFailureLimit: context.neardStartAwaited === null ? context.timings.statusFailureLimit : context.statusFailureLimit,
        syncing: event.syncing,
        blockHeight: event.height,
      };
    }),
    countStatusFailure: assign(({ context, event }) => {
      assertEvent(event, 'STATUS_FAILED');
      return { statusFailures: context.statusFailures + 1, lastError: event.error };
    }),
    nextStartupAttempt: assign({ startupAttempt: ({ context }) => context.startupAttempt + 1 }),
    resetStartupAttempts: assign({ startupAttempt: 1 }),
    // A start (or hot-swap promotion) in another mode than the one awaited is a late report of an earlier
    // wish, whose process is about to be replaced: the wait goes on. Without a NEARD_STARTED (a refused hot
    // swap reports none until its fallback restart through the guard is done) the wait stays open: the
    // lenient limit still ends a hung neard, only later, and Startup's own timeout restarts neard, which
    // reports NEARD_STARTED.
    recordNeardStarted: assign(({ context, event }) => {
      assertEvent(event, 'NEARD_STARTED');
      return {
        neardPid: event.pid,
        neardMode: event.mode,
        neardRestarts: context.neardRestarts + (event.restart ? 1 : 0),
        neardStartAwaited: event.mode === context.neardStartAwaited ? null : context.neardStartAwaited,
      };
    }),
    recordNeardGone: assign({ neardPid: null, neardMode: null }),
    recordKeyReleased: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ keyInUse: false, resignPending: false, releaseLockPending: false });
      if (context.resignPending) enqueue.sendTo('election', { type: 'ELECTION.RESIGN' } satisfies ElectionCommand);
      else if (context.releaseLockPending) enqueue.sendTo('election', { type: 'ELECTION.RELEASE_LOCK' } satisfies ElectionCommand);
    }),
    recordSession: assign(({ event }) => {
      assertEvent(event, 'SESSION_CREATED');
      return { sessionId: event.sessionId, sessionOpen: true, lastRenewalSentAt: event.sentAt };
    }),
    /** Tell the neard guard until when the lock is provably ours, and which session to release if we die. */
    extendLease: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['SESSION_CREATED', 'SESSION_RENEWED']);
      const killAt = event.sentAt + context.timings.sessionTtlMs - context.timings.fenceMarginMs;
      const sessionId = event.type === 'SESSION_CREATED' ? event.sessionId : context.sessionId;
      enqueue.sendTo('neard', { type: 'NEARD.LEASE', killAt, sessionId } satisfies NeardCommand);
      if (event.type === 'SESSION_CREATED') {
        enqueue.sendTo('neard', { type: 'NEARD.SESSION', sessionId: event.sessionId } satisfies NeardCommand);
      }
    }),
    recordRenewal: assign(({ event }) => {
      assertEvent(event, 'SESSION_RENEWED');
      return { lastRenewalSentAt: event.sentAt };
    }),
    /** The session is gone (closed or lost): forget it here and in the neard guard, which must not destroy it again. */
    forgetSession: enqueueActions(({ enqueue }) => {
      enqueue.assign({ sessionId: null, sessionOpen: false, holdsLock: false, lastRenewalSentAt: null });
      enqueue.sendTo('neard', { type: 'NEARD.SESSION', sessionId: null } satisfies NeardCommand);
    }),
    recordLock: assign({ holdsLock: true }),
    recordConsulError: assign(({ event }) => {
      assertEvent(event, 'CONSUL_ERROR');
      return { lastError: `${event.operation}: ${event.error}` };
    }),
    failStartup: assign(({ context }) => ({
      fatalError: `neard did not answer /status after ${context.timings.startupTries} starts of ${context.timings.startupTimeoutMs} ms each`,
    })),
    failSpawn: assign(({ event }) => {
      assertEvent(event, 'NEARD_SPAWN_FAILED');
      return { fatalError: event.error };
    }),
  },
});

/** /status failed once more: after too many in a row, neard is considered hung and restarted. */
const onStatusFailed = [
  { guard: 'statusFailuresExhausted', target: '#failover.Startup', actions: ['countStatusFailure', 'restartNeard'] },
  { actions: 'countStatusFailure' },
] as const;

export const failoverMachine = failoverSetup.createMachine({
  id: 'failover',
  context: ({ input }) => {
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
      keyInUse: false,
      resignPending: false,
      sessionId: null,
      sessionOpen: false,
      lastRenewalSentAt: null,
      holdsLock: false,
      lastError: null,
      fatalError: null,
      noFailover: input.noFailover ?? false,
    };
  },
  invoke: [
    { id: 'neard', src: 'neard' },
    { id: 'statusPoller', src: 'statusPoller' },
    { id: 'election', src: 'election' },
    { id: 'handover', src: 'handover' },
  ],
  // Bookkeeping that holds in every state; states below add their own transitions.
  on: {
    NEARD_STARTED: { actions: 'recordNeardStarted' },
    NEARD_STOPPED: { actions: 'recordNeardGone' },
    NEARD_KEY_RELEASED: { actions: 'recordKeyReleased' },
    NEARD_SPAWN_FAILED: { target: '.Shutdown', actions: 'failSpawn' },
    STATUS_OK: { actions: 'recordStatus' },
    SESSION_CREATED: { actions: ['recordSession', 'extendLease'] },
    SESSION_RENEWED: { actions: ['recordRenewal', 'extendLease'] },
    SESSION_CLOSED: { actions: 'forgetSession' },
    SESSION_LOST: { actions: 'forgetSession' },
    CONSUL_ERROR: { actions: 'recordConsulError' },
    HANDOVER_UPDATED: { actions: 'recordHandover' },
    SHUTDOWN: { target: '.Shutdown' },
  },
  initial: 'Startup',
  states: {
    Startup: {
      entry: ['runNeardAsVoter', { type: 'expectNeardRestart', params: { mode: 'voter' } }, 'releaseSessionWhenSafe'],
      after: {
        startupTimeout: [
          { guard: 'startupTriesLeft', target: 'Startup', reenter: true, actions: ['nextStartupAttempt', 'restartNeard'] },
          { target: 'Shutdown', actions: 'failStartup' },
        ],
      },
      on: {
        // Startup ends when the NEW neard answers. An answer of the old one, still in its stop grace period,
        // is only recorded: leaving on it would drop the startup timeout and re-arm the strict limit while the
        // new neard may need minutes to answer (it would be restarted again, in a loop).
        STATUS_OK: [
          { guard: 'restartedNeardStarted', target: 'NeardUp.Syncing', actions: ['recordStatus', 'resetStartupAttempts'] },
          { actions: 'recordStatus' },
        ],
        NEARD_EXITED: [
          { guard: 'startupTriesLeft', target: 'Startup', reenter: true, actions: ['recordNeardGone', 'nextStartupAttempt'] },
          { target: 'Shutdown', actions: ['recordNeardGone', 'failStartup'] },
        ],
      },
    },
    // A grouping state, not a kuutamod state (operators never see its name, see `stateNamesOf`): neard
    // answered /status since its last start. Its exit, or a /status silent too long, means Startup.
    NeardUp: {
      initial: 'Syncing',
      on: {
        NEARD_EXITED: { target: 'Startup', actions: 'recordNeardGone' },
        STATUS_FAILED: onStatusFailed,
        // A standby whose neard falls behind waits in Syncing again (Validating stays, see there).
        // Unlike Startup's, these moves need no NEARD_STARTED first: an old neard answering here (Validating
        // was just left) reports the sync state of the same chain data the new one opens, and every move
        // between Syncing, Registering and Voting is safe either way (keyInUse holds the session). A gate
        // could also hold a node in Syncing for good: a refused hot swap reports no NEARD_STARTED until its
        // fallback restart is done.
        STATUS_OK: { guard: 'reportsSyncing', target: '.Syncing', actions: 'recordStatus' },
      },
      states: {
        Syncing: {
          entry: 'releaseSessionWhenSafe',
          on: {
            // Still syncing: only recorded (the parent's candidate would re-enter Syncing).
            STATUS_OK: [{ guard: 'reportsSynced', target: 'Registering', actions: 'recordStatus' }, { actions: 'recordStatus' }],
          },
        },
        Registering: {
          entry: 'register',
          on: {
            SESSION_CREATED: [
              { guard: 'failoverDisabled', target: 'InSession.Voting.Standing', actions: ['recordSession', 'extendLease'] },
              // Registered while a handover frees the lock for another node's candidate: not to be taken.
              { guard: 'yieldsToHandover', target: 'InSession.Voting.AwaitingHandover', actions: ['recordSession', 'extendLease'] },
              { target: 'InSession.Voting', actions: ['recordSession', 'extendLease'] },
            ],
          },
        },
        // A grouping state: a Consul session exists. When Consul reports it lost, register anew.
        InSession: {
          initial: 'Voting',
          on: {
            SESSION_LOST: { target: 'Registering', actions: 'forgetSession' },
          },
          states: {
            Voting: {
              initial: 'Contending',
              states: {
                Contending: {
                  entry: 'startAcquiring',
                  exit: 'stopAcquiring',
                  on: {
                    LOCK_ACQUIRED: { target: '#failover.NeardUp.InSession.Validating', actions: 'recordLock' },
                    HANDOVER_UPDATED: [{ guard: 'yieldsToHandover', target: 'AwaitingHandover', actions: 'recordHandover' }, { actions: 'recordHandover' }],
                    ELIGIBILITY: [
                      { guard: 'mustStandAside', target: 'Standing' },
                      { guard: 'outranked', target: 'Yielding' },
                    ],
                  },
                },
                // ---- Eligibility (issue 8): standbys that wait rather than contend. ----
                // Registered (the session is kept and renewed) but not contending: --no-failover, or not eligible
                // while another eligible standby is alive. The pool member reader reports ELIGIBILITY every interval.
                Standing: {
                  on: {
                    ELIGIBILITY: [{ guard: 'mustStandAside' }, { guard: 'outranked', target: 'Yielding' }, { target: 'Contending' }],
                  },
                },
                // Contending with a head start for a live eligible standby of higher priority (priorityYield).
                Yielding: {
                  entry: 'startAcquiringAfterYield',
                  exit: 'stopAcquiring',
                  on: {
                    LOCK_ACQUIRED: { target: '#failover.NeardUp.InSession.Validating', actions: 'recordLock' },
                    ELIGIBILITY: [{ guard: 'mustStandAside', target: 'Standing' }, { guard: 'outranked' }, { target: 'Contending' }],
                    // The candidate of a handover takes the freed lock without the head start: it was chosen.
                    HANDOVER_UPDATED: [
                      { guard: 'yieldsToHandover', target: 'AwaitingHandover', actions: 'recordHandover' },
                      { guard: 'candidateOfHandover', target: 'Contending', actions: 'recordHandover' },
                      { actions: 'recordHandover' },
                    ],
                  },
                },
                // ---- end of eligibility ----
                // A planned switchover: the old leader left Validating (neard restarts as voter, the key stays
                // accounted for) and frees the LOCK, not the session, once the key is confirmed released, so the
                // candidate can take it while this node stays a registered standby. It does not contend: back
                // to Contending when the record ends, or at the deadline, when it takes the role back.
                HandingOver: {
                  entry: ['rememberHandingOver', 'writeReleasing', 'releaseLockWhenSafe'],
                  exit: 'cancelLockRelease',
                  // The deadline writes nothing: whoever takes the lock next settles the record (the candidate: done;
                  // this node: failed, it took the role back; a bystander: failed, leader changed). A 'failed'
                  // written here could land after a late candidate's takeover (a Consul cut healing with our
                  // release still queued) and tell the operator the opposite of what happened (chaos finding 5).
                  after: { handoverDeadline: 'Contending' },
                  on: {
                    HANDOVER_UPDATED: [{ guard: 'handoverEnded', target: 'Contending', actions: 'recordHandover' }, { actions: 'recordHandover' }],
                    LOCK_RELEASED: { actions: 'recordLockReleased' },
                  },
                },
                // A handover frees the lock for another node's candidate: do not take it meanwhile (a bystander, or
                // the old leader when it registered anew mid-handover).
                AwaitingHandover: {
                  after: { yieldDeadline: 'Contending' },
                  on: {
                    HANDOVER_UPDATED: [{ guard: 'handoverEnded', target: 'Contending', actions: 'recordHandover' }, { actions: 'recordHandover' }],
                  },
                },
                // After a step-down our session may still hold the lock while it cannot be renewed. Keeping it would
                // starve a healthy standby until the TTL ends it, so it is destroyed once the key is released, and
                // the node registers anew. Never Validating from here: a late release must not hit a new leadership.
                Resigning: {
                  entry: 'releaseSessionWhenSafe',
                },
              },
              on: {
                // Voting needs a session: whether lost or closed on request, register anew.
                SESSION_CLOSED: { target: '#failover.NeardUp.Registering', actions: 'forgetSession' },
              },
            },
            Validating: {
              entry: ['handOverKey', 'runNeardAsValidator', { type: 'expectNeardRestart', params: { mode: 'validator' } }, 'settleHandoverOnPromotion'],
              exit: ['runNeardAsVoter', { type: 'expectNeardRestart', params: { mode: 'voter' } }],
              initial: 'Leased',
              states: {
                // The lease is the time our lock is provably ours: it is extended by every successful renewal.
                Leased: {
                  after: { stepDownDeadline: '#failover.NeardUp.InSession.Voting.Resigning' },
                  on: { SESSION_RENEWED: { target: 'Leased', reenter: true, actions: ['recordRenewal', 'extendLease'] } },
                },
              },
              on: {
                // The leader keeps validating while its neard reports syncing (as kuutamod does): only recorded.
                // Its planned handover starts when due (a window's start reached), or fails when the window passed.
                STATUS_OK: [
                  { guard: 'handoverWindowMissed', actions: ['recordStatus', 'failMissedWindow'] },
                  { guard: 'handoverDue', target: '#failover.NeardUp.InSession.Voting.HandingOver', actions: 'recordStatus' },
                  { actions: 'recordStatus' },
                ],
                HANDOVER_UPDATED: [
                  { guard: 'handoverDue', target: '#failover.NeardUp.InSession.Voting.HandingOver', actions: 'recordHandover' },
                  { guard: 'handoverTakenOver', actions: ['recordHandover', 'completeHandover'] },
                  { actions: 'recordHandover' },
                ],
                NEARD_STARTED: [{ guard: 'handoverTakenOver', actions: ['recordNeardStarted', 'completeHandover'] }, { actions: 'recordNeardStarted' }],
              },
            },
          },
        },
      },
    },
    Shutdown: {
      // Graceful handoff: neard is stopped first, then the session goes, so a standby can start at once.
      entry: 'stopNeard',
      initial: 'StoppingNeard',
      states: {
        StoppingNeard: {
          on: { NEARD_STOPPED: { target: 'ClosingSession', actions: 'recordNeardGone' } },
        },
        ClosingSession: {
          entry: { type: 'releaseSessionWhenSafe', params: { confirm: true } },
          on: { SESSION_CLOSED: { target: 'Done', actions: 'forgetSession' } },
        },
        Done: { type: 'final' },
      },
      on: {
        SHUTDOWN: {},
        NEARD_SPAWN_FAILED: {},
        NEARD_EXITED: { actions: 'recordNeardGone' },
      },
    },
  },
});

export type FailoverMachine = typeof failoverMachine;

/** What an operator sees of a state: the kuutamod state, and the path down to the active leaf. */
export interface StateNames {
  /** One of the six kuutamod states, e.g. "Validating" (metrics, logs, /state). */
  state: FailoverStateName;
  /** The kuutamod state and its active substates, e.g. "Validating.Leased" or "Shutdown.StoppingNeard". */
  detail: string;
}

/**
 * The one place that turns a state of this chart into the names operators see. Grouping states such as
 * NeardUp and InSession only hold transitions their children share: they are left out, so
 * {NeardUp: {InSession: {Validating: 'Leased'}}} is "Validating" / "Validating.Leased".
 * Takes a snapshot value, or the key path of a state node (StateNode.path).
 */
export function stateNamesOf(value: StateValue | readonly string[]): StateNames {
  const path = Array.isArray(value) ? [...(value as readonly string[])] : keyPath(value as StateValue);
  const at = path.findIndex((key) => (FAILOVER_STATES as readonly string[]).includes(key));
  if (at < 0) throw new Error(`no failover state in ${path.join('.') || '(empty path)'}`);
  return { state: path[at] as FailoverStateName, detail: path.slice(at).join('.') };
}

/** The keys from the root to the active leaf (the chart has no parallel states: one child per level). */
function keyPath(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  const [key, inner] = Object.entries(value)[0] ?? [];
  return key === undefined ? [] : inner === undefined ? [key] : [key, ...keyPath(inner)];
}
