/**
 * The failover chart's vocabulary for the pool: planned switchovers (the rules are handover-rules.ts) and
 * eligibility, on top of kuutamod's own algorithm (failover-setup.ts). Every guard reads the context: a
 * handover record is recorded once, at the root, which then raises HANDOVER_CHECK for the states to decide
 * on (as does Validating after it recorded a new head or a neard start).
 */
import { assign, enqueueActions, raise, sendTo } from 'xstate';
import type { ElectionCommand, HandoverCommand } from './failover-events.js';
import { restartSetup } from './restart-setup.js';
import { candidateOfHandover, handoverDue, handoverEnded, handoverTakenOver, handoverWindowMissed, isTerminal, promotionEndsHandover, yieldsToHandover } from './handover-rules.js';

export const handoverSetup = restartSetup.extend({
  delays: {
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
    /** The leader's handover is due: mode now, or the head reached the window's start. */
    handoverDue: ({ context }) => handoverDue(context.handover, context.nodeId, context.blockHeight),
    /** The head passed the window's end before the handover could start. */
    handoverWindowMissed: ({ context }) => handoverWindowMissed(context.handover, context.nodeId, context.blockHeight),
    /** The candidate validates with the role handed to it: the handover is done. */
    handoverTakenOver: ({ context }) => handoverTakenOver(context),
    /** The record ended (done, failed, cancelled) or is gone. */
    handoverEnded: ({ context }) => handoverEnded(context.handover),
    /** This node is the candidate of a handover that is freeing the lock for it. */
    candidateOfHandover: ({ context }) => candidateOfHandover(context.handover, context.nodeId),
    /** A handover to another node is releasing the lock: this standby must not take it. */
    yieldsToHandover: ({ context }) => yieldsToHandover(context.handover, context.nodeId),
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
    /** Contend, but each attempt waits the named priorityYield delay, so a higher-priority standby wins a freed lock. */
    startAcquiringAfterYield: sendTo('election', ({ context }) => ({ type: 'ELECTION.ACQUIRE_START', delayMs: context.timings.priorityYieldMs }) satisfies ElectionCommand),
    /** The one place a handover record is recorded; the states decide on the HANDOVER_CHECK that follows. */
    recordHandover: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'HANDOVER_UPDATED') throw new Error(`recordHandover wired to ${event.type}`);
      enqueue.assign({ handover: event.record });
      enqueue.raise({ type: 'HANDOVER_CHECK' });
    }),
    /** A fact a handover decision reads was recorded: decide on it. */
    checkHandover: raise({ type: 'HANDOVER_CHECK' }),
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
    failMissedWindow: enqueueActions(({ context, enqueue }) => {
      const record = context.handover;
      if (record?.window == null) return;
      const message = `window [${record.window.start}, ${record.window.end}) missed: ${context.nodeId}'s head is at ${context.blockHeight}`;
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
  },
});
