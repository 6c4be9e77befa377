/**
 * How `kuutamoctl switchover --wait` and `restart --wait` end after the handover (src/cli/takeover-outcome.ts):
 * the bound of the wait, the new leader's check in one line with its exit code, and what is said when the
 * bound passes without one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TakeoverCheckAnswer, TakeoverCheckMember } from '../../src/control/takeover-check-routes.js';
import { takeoverOutcomeOf, takeoverWaitBoundMs, timedOutOutcome } from '../../src/cli/takeover-outcome.js';

const answer = (member: Partial<TakeoverCheckMember> | null): TakeoverCheckAnswer => ({
  nodeId: 'node1',
  member: member === null ? null : { state: 'Validating', holdsLock: true, publishedAt: 0, takeover: null, ...member },
  productionGraceMs: 120_000,
  productionCheckIntervalMs: 2_000,
});

test('the bound: --production-grace + 2 x --production-check-interval + 15 s', () => {
  assert.equal(takeoverWaitBoundMs(answer(null)), 139_000);
  assert.equal(takeoverWaitBoundMs({ productionGraceMs: 10_000, productionCheckIntervalMs: 500 }), 26_000);
});

test('nothing to say until the node leads and its record carries a check', () => {
  assert.equal(takeoverOutcomeOf(answer(null)), null);
  assert.equal(takeoverOutcomeOf(answer({})), null, 'still checking');
  const check = { result: 'producing', detail: 'validating and producing: block #7' } as const;
  assert.equal(takeoverOutcomeOf(answer({ state: 'Voting', holdsLock: false, takeover: check })), null, 'not (yet, or any more) the leader');
});

test('producing and unconfirmed exit 0, not producing exits 1, each in the words of the check', () => {
  assert.deepEqual(takeoverOutcomeOf(answer({ takeover: { result: 'producing', detail: 'validating and producing: block #1234' } })), {
    line: 'node1: validating and producing: block #1234',
    code: 0,
  });
  assert.deepEqual(takeoverOutcomeOf(answer({ takeover: { result: 'not-producing', detail: '5 blocks and chunks due since the takeover, none produced' } })), {
    line: 'node1: not producing: 5 blocks and chunks due since the takeover, none produced',
    code: 1,
  });
  assert.deepEqual(takeoverOutcomeOf(answer({ takeover: { result: 'unconfirmed', detail: 'not confirmed within 120 s (no block or chunk fell due)' } })), {
    line: 'node1: not confirmed within 120 s (no block or chunk fell due)',
    code: 0,
  });
});

test('the bound passed: not confirmed, with what was last seen, exit 0 (the switchover itself succeeded)', () => {
  assert.deepEqual(timedOutOutcome(answer({}), 139_000), {
    line: 'node1: not confirmed: no check after its takeover within 139 s (its record carries no check: a kuutamod without production checks?); see kuutamoctl list',
    code: 0,
  });
  assert.match(timedOutOutcome(answer(null), 139_000).line, /\(it publishes no member record\)/);
  assert.match(timedOutOutcome(answer({ state: 'Voting', holdsLock: false }), 139_000).line, /\(it is Voting and does not hold the lock\)/);
});
