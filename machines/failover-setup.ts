/**
 * The failover chart's vocabulary for kuutamod's own algorithm: its actors, delays, guards and actions for
 * neard, /status and the Consul session. handover-setup.ts extends it with planned switchovers and
 * eligibility; failover.ts, voting.ts and validating.ts wire them into states.
 *
 * Safety rule: the session (and with it the lock) is only released once the neard actor confirmed that no
 * process holds the validator key any more (`keyInUse` / NEARD_KEY_RELEASED).
 */
import { assertEvent, assign, enqueueActions, fromCallback, sendTo, setup, type EventObject } from 'xstate';
import type { ChartEvent, FailoverContext, FailoverInput } from './failover-context.js';
import type { ElectionCommand, HandoverCommand, MembershipCommand, NeardCommand, NeardMode } from './failover-events.js';
import type { FailoverTag } from './roles.js';

/** Placeholders: the daemon and the tests provide the real actors with `machine.provide({ actors })`. */
const idleActor = <TCommand extends EventObject>() => fromCallback<TCommand>(() => undefined);

export const coreSetup = setup({
  // XState's typing idiom: the assertion is how the types reach setup's type parameters (without it the
  // all-optional input would be inferred as `{}`), so the rule's "unnecessary" is wrong here.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  types: {} as { context: FailoverContext; events: ChartEvent; input: FailoverInput; tags: FailoverTag },
  actors: {
    neard: idleActor<NeardCommand>(),
    election: idleActor<ElectionCommand>(),
    statusPoller: idleActor<EventObject>(),
    handover: idleActor<HandoverCommand>(),
    memberPublisher: idleActor<MembershipCommand>(),
    poolReader: idleActor<EventObject>(),
    productionWatch: idleActor<EventObject>(),
  },
  delays: {
    startupTimeout: ({ context }) => context.timings.startupTimeoutMs,
    /** Step down once no renewal succeeded for stepDownAfterMs, counted from the last renewal's send time. */
    stepDownDeadline: ({ context }) => {
      const since = context.lastRenewalSentAt === null ? 0 : context.now() - context.lastRenewalSentAt;
      return Math.max(0, context.timings.stepDownAfterMs - since);
    },
  },
  guards: {
    startupTriesLeft: ({ context }) => context.startupAttempt < context.timings.startupTries,
    statusFailuresExhausted: ({ context }) => context.statusFailures + 1 >= context.statusFailureLimit,
    /** The neard asked for last has been reported started: /status answers now come from it. */
    restartedNeardStarted: ({ context }) => context.neardStartAwaited === null,
    reportsSynced: ({ event }) => event.type === 'STATUS_OK' && !event.syncing,
    reportsSyncing: ({ event }) => event.type === 'STATUS_OK' && event.syncing,
  },
  actions: {
    runNeardAsVoter: sendTo('neard', { type: 'NEARD.RUN', mode: 'voter' } satisfies NeardCommand),
    runNeardAsValidator: sendTo('neard', { type: 'NEARD.RUN', mode: 'validator' } satisfies NeardCommand),
    restartNeard: sendTo('neard', { type: 'NEARD.RESTART' } satisfies NeardCommand),
    stopNeard: sendTo('neard', { type: 'NEARD.STOP' } satisfies NeardCommand),
    /** Shutdown: the member record goes at once, so the pool's tables stop listing this node. */
    withdrawMembership: sendTo('memberPublisher', { type: 'MEMBERS.WITHDRAW' } satisfies MembershipCommand),
    startAcquiring: sendTo('election', { type: 'ELECTION.ACQUIRE_START' } satisfies ElectionCommand),
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
        statusFromPid: context.neardStartAwaited === null ? context.neardPid : null,
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
        // A new process (not a hot swap, which keeps the pid): what /status said came from the one before.
        statusFromPid: event.pid === context.neardPid ? context.statusFromPid : null,
        neardRestarts: context.neardRestarts + (event.restart ? 1 : 0),
        neardStartAwaited: event.mode === context.neardStartAwaited ? null : context.neardStartAwaited,
      };
    }),
    recordNeardGone: assign({ neardPid: null, neardMode: null, statusFromPid: null }),
    /** The key is out of use: a session release or lock release deferred for it goes out now. */
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
