/**
 * The failover chart's vocabulary for `kuutamoctl restart` (a planned restart of this node's neard in a
 * maintenance window). The control route forwards the request as events and reports the answer the chart
 * records in `context.restart`; it decides nothing itself:
 * - a node that validates, or whose neard may still hold the validator key, restarts by a planned
 *   switchover (the route writes the handover record; the chart carries it out as any other);
 * - a standby whose neard runs steadily (started, no other start awaited) is approved: the route picks a
 *   height in a window, and the chart, if nothing changed meanwhile, asks the neard actor to schedule the
 *   stop (expected_shutdown, reloaded by a SIGHUP the neard guard sends only when it cannot hand neard the
 *   key). neard exits at that height by itself; the chart sees NEARD_EXITED and starts it again as after
 *   any exit;
 * - one schedule or cancel at a time: while the neard actor works on one, another is refused.
 */
import { assertEvent, assign, enqueueActions } from 'xstate';
import type { NeardCommand } from './failover-events.js';
import { coreSetup } from './failover-setup.js';

export const restartSetup = coreSetup.extend({
  guards: {
    /** The neard actor is scheduling or cancelling a planned stop: one at a time (config.json, neard's reloads). */
    restartBusy: ({ context }) => context.restart?.phase === 'scheduling' || context.restart?.phase === 'cancelling',
    /**
     * The key handed to neard is not confirmed released yet (it left Validating): it restarts as the leader
     * does (roles.ts holdsValidatorRole). Validating answers for itself (validatingRestartTransitions).
     */
    keyInUse: ({ context }) => context.keyInUse,
    /** neard runs, was reported started, and no other start is awaited: its pid is the one that will stop. */
    neardSteady: ({ context }) => context.neardPid !== null && context.neardStartAwaited === null,
    /** The height is for the request approved last, and neard is the one it was approved for. */
    scheduleStillApproved: ({ context, event }) =>
      event.type === 'RESTART_SCHEDULE' &&
      context.restart?.requestId === event.requestId &&
      context.restart.phase === 'approved' &&
      context.restart.neardPid === context.neardPid &&
      context.neardStartAwaited === null,
  },
  actions: {
    answerSwitchover: assign(({ event }) => {
      assertEvent(event, ['RESTART_REQUESTED', 'RESTART_SCHEDULE']);
      return { restart: { requestId: event.requestId, phase: 'switchover' as const } };
    }),
    approveRestart: assign(({ context, event }) => {
      assertEvent(event, 'RESTART_REQUESTED');
      return { restart: { requestId: event.requestId, phase: 'approved' as const, neardPid: context.neardPid ?? 0 } };
    }),
    /** A refusal is recorded beside the request under way, which goes on. */
    refuseRestart: assign(({ context, event }, params: { why: 'busy' | 'no neard' | 'moved' | 'shutdown' }) => {
      assertEvent(event, ['RESTART_REQUESTED', 'RESTART_SCHEDULE', 'RESTART_CANCEL_REQUESTED']);
      const message =
        params.why === 'busy'
          ? 'another restart or cancel is running on this node: wait for it, then look at `kuutamoctl maintenance-status`'
          : params.why === 'no neard'
            ? 'neard is not running on this node (or is being started): there is nothing to restart. Nothing was scheduled.'
            : params.why === 'shutdown'
              ? 'the daemon is shutting down: neard is being stopped. Nothing was scheduled or cancelled.'
              : `neard (pid ${context.neardPid ?? 'none'}) was restarted, or another request came, while the height was chosen. Nothing was scheduled; try again.`;
      return { restartRefusal: { requestId: event.requestId, message } };
    }),
    scheduleStop: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'RESTART_SCHEDULE');
      const pid = context.neardPid ?? 0;
      enqueue.assign({ restart: { requestId: event.requestId, phase: 'scheduling', neardPid: pid, height: event.height } });
      enqueue.sendTo('neard', { type: 'NEARD.SCHEDULE_STOP', requestId: event.requestId, pid, height: event.height } satisfies NeardCommand);
    }),
    recordStopScheduled: assign(({ context, event }) => {
      assertEvent(event, 'NEARD_STOP_SCHEDULED');
      if (context.restart?.requestId !== event.requestId || context.restart.phase !== 'scheduling') return {};
      return { restart: { requestId: event.requestId, phase: 'scheduled' as const, neardPid: context.restart.neardPid, outcome: event.outcome } };
    }),
    cancelStop: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'RESTART_CANCEL_REQUESTED');
      enqueue.assign({ restart: { requestId: event.requestId, phase: 'cancelling' } });
      enqueue.sendTo('neard', { type: 'NEARD.CANCEL_STOP', requestId: event.requestId } satisfies NeardCommand);
    }),
    recordStopCancelled: assign(({ context, event }) => {
      assertEvent(event, 'NEARD_STOP_CANCELLED');
      if (context.restart?.requestId !== event.requestId) return {};
      return { restart: { requestId: event.requestId, phase: 'cancelled' as const, outcome: event.outcome } };
    }),
  },
});

/** The root's transitions for restart requests: the same in every state (the guards read where the chart is). */
export const restartTransitions = {
  RESTART_REQUESTED: [
    { guard: 'restartBusy', actions: { type: 'refuseRestart', params: { why: 'busy' } } },
    { guard: 'keyInUse', actions: 'answerSwitchover' },
    { guard: 'neardSteady', actions: 'approveRestart' },
    { actions: { type: 'refuseRestart', params: { why: 'no neard' } } },
  ],
  RESTART_SCHEDULE: [
    { guard: 'keyInUse', actions: 'answerSwitchover' },
    { guard: 'scheduleStillApproved', actions: 'scheduleStop' },
    { actions: { type: 'refuseRestart', params: { why: 'moved' } } },
  ],
  RESTART_CANCEL_REQUESTED: [{ guard: 'restartBusy', actions: { type: 'refuseRestart', params: { why: 'busy' } } }, { actions: 'cancelStop' }],
  NEARD_STOP_SCHEDULED: { actions: 'recordStopScheduled' },
  NEARD_STOP_CANCELLED: { actions: 'recordStopCancelled' },
} as const;

/** Validating's: the leader restarts by a planned switchover (unless a schedule or cancel is still in flight). */
export const validatingRestartTransitions = {
  RESTART_REQUESTED: [{ guard: 'restartBusy', actions: { type: 'refuseRestart', params: { why: 'busy' } } }, { actions: 'answerSwitchover' }],
  RESTART_SCHEDULE: { actions: 'answerSwitchover' },
} as const;

/** Shutdown's: neard is being stopped for good, so nothing is approved, scheduled or cancelled any more. */
const refuseInShutdown = { actions: { type: 'refuseRestart', params: { why: 'shutdown' } } } as const;
export const restartTransitionsInShutdown = {
  RESTART_REQUESTED: refuseInShutdown,
  RESTART_SCHEDULE: refuseInShutdown,
  RESTART_CANCEL_REQUESTED: refuseInShutdown,
} as const;
