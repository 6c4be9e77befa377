/**
 * Validating: the lock is ours and neard runs with the validator key for as long as the lease lasts. The
 * lease is the time the lock is provably ours, extended by every successful renewal; without one for
 * stepDownAfterMs the node resigns. A planned switchover starts here when due (handover-rules.ts), decided
 * on HANDOVER_CHECK once the fact it depends on (a record, a head, a neard start) is in the context.
 */
import { failoverSetup } from './handover-setup.js';
import { validatingRestartTransitions } from './restart-setup.js';

const HANDING_OVER = '#failover.NeardUp.InSession.Voting.HandingOver';

export const validatingState = failoverSetup.createStateConfig({
  tags: ['validator', 'inElection'],
  entry: ['handOverKey', 'runNeardAsValidator', { type: 'expectNeardRestart', params: { mode: 'validator' } }, 'settleHandoverOnPromotion'],
  exit: ['runNeardAsVoter', { type: 'expectNeardRestart', params: { mode: 'voter' } }],
  initial: 'Leased',
  states: {
    Leased: {
      after: { stepDownDeadline: '#failover.NeardUp.InSession.Voting.Resigning' },
      on: { SESSION_RENEWED: { target: 'Leased', reenter: true, actions: ['recordRenewal', 'extendLease'] } },
    },
  },
  on: {
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
