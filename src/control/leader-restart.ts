/**
 * `kuutamoctl restart` on the node that validates. kneard let neard stop and destroyed its session, so a
 * standby took over as after a crash; issue 8 wants a planned switchover instead (a handover record in
 * Consul that the leader acts on at a window's start), which is being built separately. Until it is wired
 * in here, the leader refuses: honest, and it can never leave the pool without a validator.
 */
import type { FailoverContext } from '../../machines/failover.js';
import { ControlError } from './control-error.js';

export const LEADER_REFUSAL = 'this node is the validator: use `kuutamoctl switchover` first (a planned handover in a window), then restart it';

/** This node validates, or is about to: it holds the lock, or its neard runs (or is being started) with the key. */
export function isLeader(context: Pick<FailoverContext, 'holdsLock' | 'neardMode' | 'neardStartAwaited'>): boolean {
  return context.holdsLock || context.neardMode === 'validator' || context.neardStartAwaited === 'validator';
}

/** The leader's restart: for now a refusal (HTTP 409); the switchover hands the role over first. */
export async function restartLeader(): Promise<never> {
  throw new ControlError(409, LEADER_REFUSAL);
}
