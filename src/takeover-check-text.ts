/**
 * The check after a takeover (issue 17) in one line, for `kuutamoctl switchover --wait` / `restart --wait`
 * and the notes of `kuutamoctl list`. The details of machines/production-view.ts already say
 * "validating and producing: block #H" and "not confirmed within N s (why)"; a miss needs the words.
 */
import type { TakeoverCheckResult } from '../machines/failover-events.js';

export function takeoverCheckLine(check: TakeoverCheckResult): string {
  return check.result === 'not-producing' ? `not producing: ${check.detail}` : check.detail;
}
