/**
 * A restart request as the chart answers it (machines/restart-setup.ts): the route sends an event and reads
 * the answer the chart recorded in its context, `restart` for the request under way, `restartRefusal` for
 * one refused. The route never decides; it waits for the chart and reports.
 */
import type { PlannedRestart } from '../../machines/failover-context.js';
import type { RestartRequestEvent } from '../../machines/failover-events.js';
import type { FailoverActor } from './control-dependencies.js';

export type RestartAnswer = PlannedRestart | { requestId: string; phase: 'refused'; message: string };
type Phase = RestartAnswer['phase'];


/** How long the neard actor may take on a schedule or cancel: its confirmation wait and requests, with room. */
export const RESTART_ANSWER_TIMEOUT_MS = 60_000;

/** This request as the chart's latest snapshot has it: its answer, or 'replaced' by a later one's, or null (not yet). */
function answerIn(actor: FailoverActor, requestId: string): RestartAnswer | null {
  const { restart, restartRefusal } = actor.getSnapshot().context;
  if (restartRefusal?.requestId === requestId) return { requestId, phase: 'refused', message: restartRefusal.message };
  return restart?.requestId === requestId ? restart : null;
}

/**
 * Send `event` and resolve with the chart's answer once it is in one of `phases`. A request replaced by a
 * later one, or not answered in time, is an Error for the operator.
 */
export function askChart(actor: FailoverActor, event: RestartRequestEvent, phases: readonly Phase[], timeoutMs = RESTART_ANSWER_TIMEOUT_MS): Promise<RestartAnswer> {
  return new Promise<RestartAnswer>((resolve, reject) => {
    let settled = false;
    /** The chart has recorded this request once: from then on, not finding it means a later one replaced it. */
    let seen = false;
    const finish = (outcome: () => void) => {
      settled = true;
      subscription.unsubscribe();
      clearTimeout(timer);
      outcome();
    };
    const check = () => {
      if (settled) return;
      const answer = answerIn(actor, event.requestId);
      if (answer === null) {
        if (seen) finish(() => reject(new Error('another restart request replaced this one on this node: look at `kuutamoctl maintenance-status`')));
        return;
      }
      seen = true;
      if (phases.includes(answer.phase)) finish(() => resolve(answer));
    };
    const subscription = actor.subscribe(check);
    const timer = setTimeout(() => {
      if (!settled) finish(() => reject(new Error(`the daemon did not answer within ${timeoutMs / 1000}s: look at \`kuutamoctl maintenance-status\` and the log`)));
    }, timeoutMs);
    actor.send(event);
    check();
  });
}
