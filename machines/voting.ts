/**
 * Voting: a registered node (it holds a Consul session) that could take the lock. Which substate it is in
 * says what it does about the lock: Contending tries for it; Standing and Yielding are eligibility (issue 8);
 * HandingOver and AwaitingHandover are a planned switchover (handover-rules.ts); Claiming asks the leader
 * for a production move (production-moves.ts); Refraining keeps off the lock for a leader it confirmed
 * (failsafe, failsafe-setup.ts); Resigning gives the session up after a step-down. Handover
 * decisions are taken on HANDOVER_CHECK once the record is in the context, production ones on
 * the production watch's PRODUCTION_VERDICT.
 */
import { failoverSetup } from './failsafe-setup.js';

const VALIDATING = '#failover.NeardUp.InSession.Validating';

/** The lock is ours: Validating, unless this node confirmed a leader whose refrain lasts (failsafe). */
const LOCK_TAKEN = [
  { guard: 'refraining', target: 'Refraining', actions: 'recordLock' },
  { target: VALIDATING, actions: 'recordLock' },
] as const;

/** A leader that cannot reach Consul asked, and this node confirmed it: seek no lock meanwhile. */
const REFRAIN = { target: 'Refraining', actions: 'recordRefrain' } as const;

export const votingState = failoverSetup.createStateConfig({
  tags: ['standby', 'inElection'],
  // Only a standby's eligibility needs the pool's records: read while in Voting, and only then.
  invoke: { id: 'poolReader', src: 'poolReader' },
  initial: 'Contending',
  states: {
    Contending: {
      tags: ['contending'],
      entry: 'startAcquiring',
      exit: 'stopAcquiring',
      on: {
        LOCK_ACQUIRED: LOCK_TAKEN,
        FAILSAFE_CONFIRMED: REFRAIN,
        HANDOVER_CHECK: { guard: 'yieldsToHandover', target: 'AwaitingHandover' },
        ELIGIBILITY: [
          { guard: 'mustStandAside', target: 'Standing' },
          { guard: 'outranked', target: 'Yielding' },
        ],
        // The leader does not produce, as this node's own neard sees the chain: ask for the role.
        PRODUCTION_VERDICT: [{ guard: 'claimsRole', target: 'Claiming', actions: 'recordVerdict' }, { actions: 'recordVerdict' }],
      },
    },
    // A production move (issue 17): this standby asked the leader, by a mode-now handover record, to hand the
    // role to it, and contends as before, so it takes the lock the leader frees (or a crashed leader's). It
    // never takes the lock from a live leader: the leader's HandingOver frees it, key first.
    Claiming: {
      tags: ['contending'],
      entry: ['startAcquiring', 'claimRole'],
      exit: 'stopAcquiring',
      after: { claimDeadline: { target: 'Contending', actions: 'withdrawClaim' } },
      on: {
        LOCK_ACQUIRED: LOCK_TAKEN,
        FAILSAFE_CONFIRMED: REFRAIN,
        // Another standby's claim (or an operator's switchover) won: wait for it like any bystander.
        HANDOVER_CHECK: { guard: 'yieldsToHandover', target: 'AwaitingHandover' },
        ELIGIBILITY: { guard: 'mustStandAside', target: 'Standing' },
      },
    },
    // Failsafe (issue 18, failsafe-setup.ts): this node confirmed a leader that cannot reach Consul and seeks
    // no lock until the refrain ends; every new confirmation restarts the wait. An acquire in flight that lands
    // is recorded, and the lock taken into Validating only at the end. A handover still goes first.
    Refraining: {
      after: { refrainDeadline: [{ guard: 'holdsLock', target: VALIDATING, actions: 'endRefrain' }, { target: 'Contending', actions: 'endRefrain' }] },
      on: {
        FAILSAFE_CONFIRMED: { target: 'Refraining', reenter: true, actions: 'recordRefrain' },
        LOCK_ACQUIRED: { actions: 'recordLock' },
        HANDOVER_CHECK: { guard: 'yieldsToHandover', target: 'AwaitingHandover' },
      },
    },
    // Registered (the session is kept and renewed) but not contending: --no-failover, or not eligible while
    // another eligible standby is alive. The pool member reader reports ELIGIBILITY every interval.
    Standing: {
      on: {
        ELIGIBILITY: [{ guard: 'mustStandAside' }, { guard: 'outranked', target: 'Yielding' }, { target: 'Contending' }],
      },
    },
    // Contending with a head start for a live eligible standby of higher priority (priorityYield).
    Yielding: {
      tags: ['contending'],
      entry: 'startAcquiringAfterYield',
      exit: 'stopAcquiring',
      on: {
        LOCK_ACQUIRED: LOCK_TAKEN,
        FAILSAFE_CONFIRMED: REFRAIN,
        ELIGIBILITY: [{ guard: 'mustStandAside', target: 'Standing' }, { guard: 'outranked' }, { target: 'Contending' }],
        // The candidate of a handover takes the freed lock without the head start: it was chosen.
        HANDOVER_CHECK: [
          { guard: 'yieldsToHandover', target: 'AwaitingHandover' },
          { guard: 'candidateOfHandover', target: 'Contending' },
        ],
        // Outranked or not, a healthy standby asks: the check-and-set lets one claim win (the role is what
        // matters when the leader produces nothing, not which standby gets it).
        PRODUCTION_VERDICT: [{ guard: 'claimsRole', target: 'Claiming', actions: 'recordVerdict' }, { actions: 'recordVerdict' }],
      },
    },
    // A planned switchover: the old leader left Validating (neard restarts as voter, the key stays accounted
    // for) and frees the LOCK, not the session, once the key is confirmed released, so the candidate can take
    // it while this node stays a registered standby. It does not contend: back to Contending when the record
    // ends, or at the deadline, when it takes the role back.
    HandingOver: {
      entry: ['rememberHandingOver', 'benchIfProductionMove', 'writeReleasing', 'releaseLockWhenSafe'],
      exit: 'cancelLockRelease',
      // The deadline writes nothing: whoever takes the lock next settles the record (the candidate: done;
      // this node: failed, it took the role back; a bystander: failed, leader changed). A 'failed' written
      // here could land after a late candidate's takeover (a Consul cut healing with our release still
      // queued) and tell the operator the opposite of what happened (chaos finding 5).
      after: { handoverDeadline: 'Contending' },
      on: {
        HANDOVER_CHECK: { guard: 'handoverEnded', target: 'Contending' },
        LOCK_RELEASED: { actions: 'recordLockReleased' },
      },
    },
    // A handover frees the lock for another node's candidate: do not take it meanwhile (a bystander, or the
    // old leader when it registered anew mid-handover).
    AwaitingHandover: {
      after: { yieldDeadline: 'Contending' },
      on: {
        HANDOVER_CHECK: { guard: 'handoverEnded', target: 'Contending' },
      },
    },
    // After a step-down our session may still hold the lock while it cannot be renewed. Keeping it would
    // starve a healthy standby until the TTL ends it, so it is destroyed once the key is released, and the
    // node registers anew. Never Validating from here: a late release must not hit a new leadership.
    Resigning: {
      entry: 'releaseSessionWhenSafe',
    },
  },
  on: {
    // Voting needs a session: whether lost or closed on request, register anew.
    SESSION_CLOSED: { target: '#failover.NeardUp.Registering', actions: 'forgetSession' },
    // This standby's verdict on the leader's production: recorded; Contending and Yielding may act on it.
    PRODUCTION_VERDICT: { actions: 'recordVerdict' },
  },
});
