/**
 * Validating: the lock is ours and neard runs with the validator key for as long as the lease lasts. The
 * lease is the time the lock is provably ours, extended by every successful renewal; without one for
 * stepDownAfterMs the node resigns. A planned switchover starts here when due (handover-rules.ts), decided
 * on HANDOVER_CHECK once the fact it depends on (a record, a head, a neard start) is in the context.
 *
 * Production (issue 17): Leased's substates follow the production watch's OWN_PRODUCTION: Checking after the
 * takeover until its first duty is produced (the check's result is recorded: producing, not producing,
 * unconfirmed), then Producing; Degraded while its own counts show a run of misses or its own head stopped.
 * They only report: the move is the standbys' to ask for (voting.ts, Claiming), since a leader cut off from
 * its peers cannot tell that from a halted chain. Every renewal re-enters Leased (its deadline
 * restarts) through the history state Resume, which restores the production substate.
 */
import { failoverSetup } from './failsafe-setup.js';
import { validatingRestartTransitions } from './restart-setup.js';

const HANDING_OVER = '#failover.NeardUp.InSession.Voting.HandingOver';

export const validatingState = failoverSetup.createStateConfig({
  tags: ['validator', 'inElection'],
  entry: ['handOverKey', 'runNeardAsValidator', { type: 'expectNeardRestart', params: { mode: 'validator' } }, 'settleHandoverOnPromotion', 'forgetProduction'],
  exit: ['runNeardAsVoter', { type: 'expectNeardRestart', params: { mode: 'voter' } }, 'forgetProduction'],
  initial: 'Leased',
  states: {
    Leased: {
      after: { stepDownDeadline: '#failover.NeardUp.InSession.Voting.Resigning' },
      on: { SESSION_RENEWED: { target: '.Resume', reenter: true, actions: ['recordRenewal', 'extendLease'] } },
      initial: 'Checking',
      states: {
        // A renewal re-enters Leased here: back to the production substate it was in.
        Resume: { type: 'history' },
        Checking: {
          on: {
            OWN_PRODUCTION: [
              { guard: 'ownProducing', target: 'Producing', actions: 'recordOwnProduction' },
              { guard: 'ownDegraded', target: 'Degraded', actions: 'recordOwnProduction' },
              { actions: 'recordOwnProduction' },
            ],
          },
        },
        Producing: {
          on: { OWN_PRODUCTION: [{ guard: 'ownDegraded', target: 'Degraded', actions: 'recordOwnProduction' }, { actions: 'recordOwnProduction' }] },
        },
        Degraded: {
          on: { OWN_PRODUCTION: [{ guard: 'ownProducing', target: 'Producing', actions: 'recordOwnProduction' }, { actions: 'recordOwnProduction' }] },
        },
      },
    },
  },
  on: {
    // Failsafe: the confirm route refuses while this node validates, so it sends no confirmation; one here
    // is not this node's to keep (it would hold a later takeover back for nothing).
    FAILSAFE_CONFIRMED: {},
    // The leader keeps validating while its neard reports syncing (as kuutamod does): only recorded.
    STATUS_OK: { actions: ['recordStatus', 'checkHandover'] },
    NEARD_STARTED: { actions: ['recordNeardStarted', 'checkHandover'] },
    // Its planned handover fails when the window passed, starts when due (mode now, or a window's start
    // reached), and is done once the candidate (this node) validates.
    HANDOVER_CHECK: [
      { guard: 'handoverWindowMissed', actions: 'failMissedWindow' },
      { guard: 'handoverDue', target: HANDING_OVER },
      { guard: 'handoverTakenOver', actions: 'completeHandover' },
    ],
    // kuutamoctl restart on the leader: a planned switchover (restart-setup.ts).
    ...validatingRestartTransitions,
  },
});
