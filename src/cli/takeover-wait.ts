/**
 * After a handover is done, `kuutamoctl switchover --wait` and `restart --wait` follow the new leader's
 * check after its takeover (issue 17) through the local daemon (GET /v1/takeover-check/:node), bounded
 * (takeover-outcome.ts): "validating and producing: block #H", "not producing: ..." (exit 1) or
 * "not confirmed ...".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TakeoverCheckAnswer } from '../control/takeover-check-routes.js';
import { callDaemon } from './control-command.js';
import { takeoverOutcomeOf, takeoverWaitBoundMs, timedOutOutcome } from './takeover-outcome.js';

/** Pause between two looks at the record. */
const POLL_MS = 1_000;

/** Prints a line saying what it waits for, then the outcome; returns the exit code (1: not producing). */
export async function waitForTakeoverCheck(socketPath: string, nodeId: string): Promise<number> {
  const startedAt = Date.now();
  const ask = () => callDaemon<TakeoverCheckAnswer>(socketPath, 'GET', `/v1/takeover-check/${encodeURIComponent(nodeId)}`);
  let answer = await ask();
  const boundMs = takeoverWaitBoundMs(answer);
  process.stdout.write(`waiting up to ${Math.round(boundMs / 1000)} s for ${nodeId}'s check after its takeover (its first block or chunk)\n`);
  for (;;) {
    const outcome = takeoverOutcomeOf(answer) ?? (Date.now() - startedAt >= boundMs ? timedOutOutcome(answer, boundMs) : null);
    if (outcome !== null) {
      process.stdout.write(`${outcome.line}\n`);
      return outcome.code;
    }
    await sleep(POLL_MS);
    answer = await ask();
  }
}
