/**
 * The failover chart's vocabulary for block production (issue 17) on top of planned switchovers
 * (handover-setup.ts). The production watch (src/production-watch.ts) reports judgements made from this
 * node's own neard (machines/production-view.ts): a standby's PRODUCTION_VERDICT on the leader, and the
 * leader's OWN_PRODUCTION. The chart records them once here, and decides: a standby may ask for a production
 * move (voting.ts, Claiming), a leader shows its own production (validating.ts: Checking, Producing,
 * Degraded). Moves go through the handover record and the leader's HandingOver like every planned
 * switchover; nothing here touches the lock or neard.
 */
import { assertEvent, assign, enqueueActions, sendTo } from 'xstate';
import type { FailoverContext } from './failover-context.js';
import type { HandoverCommand } from './failover-events.js';
import { handoverSetup } from './handover-setup.js';
import { claimProblem, isProductionMove, PRODUCTION_REQUESTER } from './production-moves.js';

const benched = (context: FailoverContext): boolean => context.bench !== null && context.bench.until > context.now();

export const failoverSetup = handoverSetup.extend({
  delays: {
    /** A claim that did not become a handover (another won, Consul refused) is given up after this. */
    claimDeadline: ({ context }) => context.timings.handoverDeadlineMs,
  },
  guards: {
    /** The verdict just reported is failing and nothing holds a move back (production-moves.ts). */
    claimsRole: ({ context, event }) => {
      assertEvent(event, 'PRODUCTION_VERDICT');
      const production = { ...context.production, verdict: event.verdict, leaderId: event.leaderId };
      return claimProblem({ ...context, production, benched: benched(context) }, context.wallNow()) === null;
    },
    ownProducing: ({ event }) => event.type === 'OWN_PRODUCTION' && event.health === 'producing',
    ownDegraded: ({ event }) => event.type === 'OWN_PRODUCTION' && event.health === 'degraded',
  },
  actions: {
    recordVerdict: assign(({ context, event }) => {
      assertEvent(event, 'PRODUCTION_VERDICT');
      return { production: { ...context.production, verdict: event.verdict, leaderId: event.leaderId, countsProblem: event.countsProblem } };
    }),
    recordOwnProduction: assign(({ context, event }) => {
      assertEvent(event, 'OWN_PRODUCTION');
      const own = { health: event.health, detail: event.detail };
      return { production: { ...context.production, own, takeover: event.takeover ?? context.production.takeover, countsProblem: event.countsProblem } };
    }),
    /** Validating begins or ends: what was judged before is about another leader. */
    forgetProduction: assign({ production: ({ context }) => ({ ...context.production, verdict: null, leaderId: null, own: null, takeover: null }) }),
    /** Ask the leader to hand the role to this node: a mode-now record, by check-and-set (one claim wins). */
    claimRole: sendTo('handover', ({ context }) => {
      const { production, nodeId } = context;
      const verdict = production.verdict;
      const why = verdict?.verdict === 'failing' ? `${verdict.reason}: ${verdict.detail}` : 'not producing';
      return {
        type: 'HANDOVER.CLAIM',
        from: production.leaderId ?? '',
        to: nodeId,
        requestedBy: `${PRODUCTION_REQUESTER}${nodeId}`,
        message: `${production.leaderId ?? 'the leader'} is not producing (${why})`,
      } satisfies HandoverCommand;
    }),
    /**
     * A claim the leader did not start within the deadline (it named a node that no longer leads, or the
     * leader cannot reach Consul) is cancelled, but only while still requested, so it blocks no later
     * switchover and never lands on a handover under way.
     */
    withdrawClaim: enqueueActions(({ context, enqueue }) => {
      const record = context.handover;
      if (record === null || record.to !== context.nodeId || record.requestedBy !== `${PRODUCTION_REQUESTER}${context.nodeId}` || record.phase !== 'requested') return;
      const message = `${record.from} did not start the handover within ${Math.round(context.timings.handoverDeadlineMs / 1_000)} s`;
      enqueue.sendTo('handover', { type: 'HANDOVER.WRITE', id: record.id, phase: 'cancelled', message, onlyFrom: 'requested' } satisfies HandoverCommand);
    }),
    /** This node gives the role up for not producing: benched for --production-hold (no ping-pong). */
    benchIfProductionMove: enqueueActions(({ context, enqueue }) => {
      const record = context.handover;
      if (record === null || record.from !== context.nodeId || !isProductionMove(record)) return;
      enqueue.assign({ bench: { until: context.now() + context.productionRule.holdMs, reason: record.message ?? 'not producing' } });
    }),
  },
});
