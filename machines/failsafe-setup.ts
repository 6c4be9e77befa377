/**
 * The failover chart's vocabulary for failsafe mode (issue 18, docs/failsafe-design.md) on top of production
 * moves (production-setup.ts). This part is a member's: a leader that cannot renew its Consul session asks
 * every member directly to confirm it, and a member that confirmed (FAILSAFE_CONFIRMED, sent by the confirm
 * route only after the request verified) refrains: it takes no lock before `refrainUntil`, even one Consul
 * shows free, because that leader may still validate. The leader's side is not built yet.
 *
 * The rule that makes it safe is in voting.ts: no LOCK_ACQUIRED leads to Validating while the refrain lasts.
 * An acquire already in flight that lands is recorded (the lock is held, neard keeps no key) and Validating
 * waits for the refrain's end.
 */
import { assertEvent, assign } from 'xstate';
import type { FailoverContext } from './failover-context.js';
import { failoverSetup as productionSetup } from './production-setup.js';

const refraining = (context: FailoverContext): boolean => context.refrainUntil !== null && context.refrainUntil > context.now();

export const failoverSetup = productionSetup.extend({
  delays: {
    /** The end of the refrain, from now (0 when it already ended: the state is left at once). */
    refrainDeadline: ({ context }) => Math.max(0, (context.refrainUntil ?? 0) - context.now()),
  },
  guards: {
    refraining: ({ context }) => refraining(context),
    holdsLock: ({ context }) => context.holdsLock,
  },
  actions: {
    /** Keep the later of the refrains: a confirmation never shortens one already given. */
    recordRefrain: assign(({ context, event }) => {
      assertEvent(event, 'FAILSAFE_CONFIRMED');
      return { refrainUntil: Math.max(context.refrainUntil ?? event.refrainUntil, event.refrainUntil) };
    }),
    /** The refrain is over (its deadline, re-armed by every confirmation, fired). */
    endRefrain: assign({ refrainUntil: null }),
  },
});
