/**
 * How `kuutamoctl switchover --wait` and `restart --wait` end once the handover is done (issue 17), pure:
 * how long they wait for the new leader's check after its takeover, and the line and exit code for what
 * its member record says. The wait itself is takeover-wait.ts.
 */
import type { TakeoverCheckResult } from '../../machines/failover-events.js';
import type { TakeoverCheckAnswer } from '../control/takeover-check-routes.js';
import { takeoverCheckLine } from '../takeover-check-text.js';

/** Beyond the grace and two check intervals: the record's write through Consul, and this command's polls. */
export const TAKEOVER_WAIT_MARGIN_MS = 15_000;

/**
 * The bound: --production-grace + 2 x --production-check-interval + 15 s (2 min 19 s by default). The check
 * starts at the new leader's first poll as leader (up to one interval after the takeover) and is decided by
 * the first poll after the grace at the latest (one more); the record is written at once then. The timings
 * are the answering daemon's: a pool's daemons are meant to share them.
 */
export function takeoverWaitBoundMs(answer: Pick<TakeoverCheckAnswer, 'productionGraceMs' | 'productionCheckIntervalMs'>): number {
  return answer.productionGraceMs + 2 * answer.productionCheckIntervalMs + TAKEOVER_WAIT_MARGIN_MS;
}

export interface TakeoverOutcome {
  line: string;
  /** 1 only when the check says not producing: unconfirmed is not a failure (no duty fell due to prove either). */
  code: 0 | 1;
}

/** The check, once the node leads and its record carries one; null while there is nothing to say yet. */
export function takeoverOutcomeOf(answer: TakeoverCheckAnswer): TakeoverOutcome | null {
  const member = answer.member;
  if (member === null || !member.holdsLock || member.state !== 'Validating' || member.takeover === null) return null;
  return outcomeOf(answer.nodeId, member.takeover);
}

function outcomeOf(nodeId: string, check: TakeoverCheckResult): TakeoverOutcome {
  return { line: `${nodeId}: ${takeoverCheckLine(check)}`, code: check.result === 'not-producing' ? 1 : 0 };
}

/** The bound passed without a check: say what was last seen (the switchover itself succeeded). */
export function timedOutOutcome(answer: TakeoverCheckAnswer, boundMs: number): TakeoverOutcome {
  const seconds = Math.round(boundMs / 1000);
  const member = answer.member;
  const seen =
    member === null
      ? 'it publishes no member record'
      : !member.holdsLock || member.state !== 'Validating'
        ? `it is ${member.state} and does not hold the lock`
        : 'its record carries no check: a kuutamod without production checks?';
  return { line: `${answer.nodeId}: not confirmed: no check after its takeover within ${seconds} s (${seen}); see kuutamoctl list`, code: 0 };
}
