/**
 * `kuutamoctl restart` on the node that validates. kneard let neard stop and destroyed its session, so a
 * standby took over as after a crash, mid-production. Here the leader's restart is a planned switchover
 * instead: the role goes to the best ready standby at the start of a maintenance window (the handover
 * record in Consul, carried out by the charts), and handing over restarts this node's neard as a voter,
 * which is the restart asked for (a new neard binary is picked up then). A pinned height (--schedule-at)
 * cannot be promised on the leader: the window decides, so it is refused with what to do instead.
 */
import { RESTART_REQUESTER } from '../../machines/handover-rules.js';
import type { HandoverRecord } from '../../services/pool/handover-record.js';
import { ControlError } from './control-error.js';
import type { ControlDependencies } from './control-dependencies.js';
import type { ShutdownRequest } from './shutdown-height.js';
import { createSwitchover, switchoverRefusalOf } from './switchover-routes.js';

/** The window a leader's restart hands over in, when no MINIMUM_LENGTH is given (as `switchover`'s default). */
export const LEADER_RESTART_MINIMUM_LENGTH = 10;

export const LEADER_SCHEDULE_AT_REFUSAL =
  'this node is the validator: its restart is a planned switchover at the start of a maintenance window, so --schedule-at cannot be honoured. Run `kuutamoctl restart [MINIMUM_LENGTH]` without it, or `kuutamoctl switchover --now --wait` first and then restart this node as a standby.';

/** What the leader's restart answers: the switchover that will restart it. */
export interface LeaderRestartAnswer {
  handover: HandoverRecord;
}

/** The leader's restart: a planned switchover in a window to the best ready standby (refusals as switchover's). */
export async function restartLeader(dependencies: ControlDependencies, request: ShutdownRequest): Promise<LeaderRestartAnswer> {
  if (request.scheduleAt !== undefined) throw new ControlError(409, LEADER_SCHEDULE_AT_REFUSAL);
  try {
    const handover = await createSwitchover(dependencies, {
      mode: 'window',
      minimumLength: request.minimumLength || LEADER_RESTART_MINIMUM_LENGTH,
      requestedBy: `${RESTART_REQUESTER}${dependencies.settings.nodeId}`,
    });
    return { handover };
  } catch (error) {
    const refusal = switchoverRefusalOf(error, dependencies.settings.rpcUrl);
    throw new ControlError(refusal.status, `this node is the validator, so its restart is a planned switchover, which was refused: ${refusal.message}`);
  }
}
