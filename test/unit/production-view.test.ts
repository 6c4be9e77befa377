/**
 * The production watch's pure judgements (machines/production-view.ts, production-moves.ts): a standby's own
 * head pace, its verdict from its own view, the leader's report, the check after a takeover, and what keeps a
 * production move back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HandoverRecord } from '../../machines/failover-events.js';
import type { CountsReading } from '../../machines/production-counts.js';
import { claimProblem, moveHeld, PRODUCTION_REQUESTER, productionMoveHeld } from '../../machines/production-moves.js';
import { DEFAULT_PRODUCTION_THRESHOLDS as RULE } from '../../machines/production-rules.js';
import {
  DEFAULT_PRODUCTION_RULE, initialProductionView, leaderReport, ownHeadRate, standbyVerdict, startTakeover, withHead, withLeader, withReading, withTakeoverChecked,
  type ProductionView,
} from '../../machines/production-view.js';

const T0 = 1_000_000;
const FULL_RULE = { ...RULE, ...DEFAULT_PRODUCTION_RULE };

/** Own heads every second from T0, `rate` blocks a second, until `until` (then standing still). */
function headsUntil(view: ProductionView, to: number, rate = 1, stopAt = Infinity): ProductionView {
  let v = view;
  for (let t = T0; t <= to; t += 1_000) v = withHead(v, { at: t, height: 100 + Math.floor((Math.min(t, stopAt) - T0) / 1_000) * rate });
  return v;
}

const reading = (at: number, expected: number, produced: number, epochStartHeight = 1): CountsReading => ({
  at, epochStartHeight, epochHeight: 1, expectedBlocks: expected, producedBlocks: produced, expectedChunks: expected, producedChunks: produced,
});

describe('own head pace', () => {
  test('blocks per second over the window; 0 once the head has not moved for 10 s; null before 5 s of samples', () => {
    assert.equal(ownHeadRate(headsUntil(initialProductionView, T0 + 3_000), T0 + 3_000), null);
    assert.equal(ownHeadRate(headsUntil(initialProductionView, T0 + 15_000), T0 + 15_000), 1);
    const stopped = headsUntil(initialProductionView, T0 + 30_000, 1, T0 + 15_000);
    assert.ok(ownHeadRate(stopped, T0 + 24_000)! > 0, 'within 10 s of its last move a head still counts as moving');
    assert.equal(ownHeadRate(stopped, T0 + 30_000), 0);
  });

  test('after its head stood still (a halted chain running again), no rate until a whole window of moving: the stop would skew it (chaos finding 6)', () => {
    // Moving, then standing still 20 s, then moving again from T0 + 40 s.
    let v = initialProductionView;
    for (let t = T0; t <= T0 + 20_000; t += 1_000) v = withHead(v, { at: t, height: 100 + (t - T0) / 1_000 });
    for (let t = T0 + 21_000; t <= T0 + 40_000; t += 1_000) v = withHead(v, { at: t, height: 120 });
    for (let t = T0 + 41_000; t <= T0 + 45_000; t += 1_000) v = withHead(v, { at: t, height: 120 + (t - T0 - 40_000) / 1_000 });
    assert.equal(v.resumedAt, T0 + 41_000);
    assert.equal(ownHeadRate(v, T0 + 45_000), null, 'the window is mostly the stop: no rate yet');
    for (let t = T0 + 46_000; t <= T0 + 61_000; t += 1_000) v = withHead(v, { at: t, height: 120 + (t - T0 - 40_000) / 1_000 });
    assert.equal(ownHeadRate(v, T0 + 61_000), 1, 'a whole window of moving again');
    // And the verdict in that time: no judgement, so a leader a few blocks behind is no "20 s stall".
    let judged = withLeader(v, { nodeId: 'leader', height: 100, publishedAt: T0 - 200_000 }, T0 - 200_000);
    judged = withLeader(judged, { nodeId: 'leader', height: 120, publishedAt: T0 + 44_000 }, T0 + 45_000);
    judged = { ...judged, heads: judged.heads.filter((h) => h.at <= T0 + 45_000), resumedAt: T0 + 41_000 };
    assert.deepEqual(standbyVerdict(judged, RULE, T0 + 45_000), { verdict: 'cannot-judge', reason: 'own head not moving' });
  });

  test('a lower head (another neard on older data) starts the samples over', () => {
    const v = withHead(headsUntil(initialProductionView, T0 + 10_000), { at: T0 + 11_000, height: 50 });
    assert.deepEqual(v.heads, [{ at: T0 + 11_000, height: 50 }]);
  });
});

describe("a standby's verdict from its own view", () => {
  const leaderSeen = (view: ProductionView, height: number, publishedAt: number, now: number) =>
    withLeader(view, { nodeId: 'leader', height, publishedAt }, now);

  test('no leader known: cannot judge; a leader first seen starts its grace', () => {
    assert.deepEqual(standbyVerdict(initialProductionView, RULE, T0), { verdict: 'cannot-judge', reason: 'no leader' });
    const now = T0 + 60_000;
    const v = leaderSeen(headsUntil(initialProductionView, now), 100, now, now);
    assert.deepEqual(standbyVerdict(v, RULE, now), { verdict: 'cannot-judge', reason: 'in grace' });
  });

  test('the leader keeps the same `since` while it leads; another leader starts anew', () => {
    const a = withLeader(initialProductionView, { nodeId: 'a', height: 1, publishedAt: T0 }, T0);
    const again = withLeader(a, { nodeId: 'a', height: 5, publishedAt: T0 + 5_000 }, T0 + 5_000);
    assert.equal(again.leader?.since, T0);
    assert.equal(withLeader(again, { nodeId: 'b', height: 9, publishedAt: T0 + 9_000 }, T0 + 9_000).leader?.since, T0 + 9_000);
  });

  test("past the grace: a leader whose published head stopped falls behind this node's own advancing head", () => {
    const now = T0 + 200_000;
    let v = headsUntil(initialProductionView, now);
    v = withLeader(v, { nodeId: 'leader', height: 100, publishedAt: T0 }, T0); // seen at T0: grace long past
    // It republished its frozen head 20 s ago.
    v = withLeader(v, { nodeId: 'leader', height: 250, publishedAt: now - 20_000 }, now); // at our pace: 270 now, we are at 300
    const verdict = standbyVerdict(v, RULE, now);
    assert.equal(verdict.verdict, 'failing');
    assert.equal(verdict.verdict === 'failing' && verdict.reason, 'head stalled');
  });

  test("a standby whose own head stopped judges nothing (it is the one cut off, or the chain halted)", () => {
    const now = T0 + 200_000;
    let v = headsUntil(initialProductionView, now, 1, now - 30_000);
    v = withLeader(v, { nodeId: 'leader', height: 100, publishedAt: T0 }, T0);
    v = withLeader(v, { nodeId: 'leader', height: 100, publishedAt: now }, now);
    assert.deepEqual(standbyVerdict(v, RULE, now), { verdict: 'cannot-judge', reason: 'own head not moving' });
  });

  test('unreadable counts turn only the miss signal off', () => {
    const now = T0 + 200_000;
    let v = headsUntil(initialProductionView, now);
    v = withLeader(v, { nodeId: 'leader', height: 100, publishedAt: T0 }, T0);
    for (let k = 0; k < 5; k++) v = withReading(v, reading(now - 10_000 + k * 2_000, 10 + k * 2, 10));
    v = withLeader(v, { nodeId: 'leader', height: 300, publishedAt: now }, now);
    assert.equal(standbyVerdict(v, RULE, now).verdict, 'failing', '8 expected, none produced');
    assert.equal(standbyVerdict({ ...v, countsProblem: 'METHOD_NOT_FOUND' }, RULE, now).verdict, 'healthy');
  });
});

describe('the check after a takeover, and the leader\'s report', () => {
  const since = T0 + 100_000;
  const taken = (v: ProductionView) => startTakeover(v, since);

  test('no baseline before the neard validates synced; then producing once a duty is produced after it', () => {
    let v = taken(headsUntil(initialProductionView, since));
    v = withReading(v, reading(since + 1_000, 50, 50));
    v = withTakeoverChecked(v, RULE, since + 1_000, 150, false);
    v = withReading(v, reading(since + 2_000, 52, 52)); // the old leader's last blocks, counted while catching up
    v = withTakeoverChecked(v, RULE, since + 2_000, 151, false);
    assert.equal(v.takeover?.result, 'checking');
    v = withTakeoverChecked(withReading(v, reading(since + 3_000, 53, 53)), RULE, since + 3_000, 152, true); // baseline
    assert.equal(v.takeover?.result, 'checking');
    v = withTakeoverChecked(withReading(v, reading(since + 4_000, 54, 54)), RULE, since + 4_000, 153, true);
    assert.deepEqual(v.takeover, { result: 'producing', since, height: 153, detail: 'validating and producing: block #153' });
    assert.equal(leaderReport(v, RULE, since + 4_000).takeover?.result, 'producing');
  });

  test('no baseline below the head it took the role at plus the margin: a restarted neard catching up still counts the old leader\'s last blocks', () => {
    let v = startTakeover(headsUntil(initialProductionView, since), since, 150);
    v = withTakeoverChecked(withReading(v, reading(since + 1_000, 50, 50)), RULE, since + 1_000, 148, true); // catching up, below 150
    v = withTakeoverChecked(withReading(v, reading(since + 2_000, 51, 51)), RULE, since + 2_000, 151, true); // the old leader's block at 151
    assert.deepEqual(v.takeover, { result: 'checking', since, fromHeight: 150, baseline: null }, 'no baseline under 150 + 2');
    v = withTakeoverChecked(withReading(v, reading(since + 3_000, 52, 51)), RULE, since + 3_000, 152, true); // baseline
    v = withTakeoverChecked(withReading(v, reading(since + 4_000, 54, 51)), RULE, since + 4_000, 153, true);
    assert.equal(v.takeover?.result, 'checking', 'four duties (two blocks, two chunks) missed since the baseline, under five');
    v = withTakeoverChecked(withReading(v, reading(since + 5_000, 55, 51)), RULE, since + 5_000, 154, true);
    assert.equal(v.takeover?.result, 'not-producing', 'the old leader\'s block before the baseline does not count as this node\'s');
  });

  test('not producing after five duties; unconfirmed without duties', () => {
    let v = taken(headsUntil(initialProductionView, since));
    v = withTakeoverChecked(withReading(v, reading(since + 1_000, 50, 50)), RULE, since + 1_000, 150, true);
    v = withTakeoverChecked(withReading(v, reading(since + 2_000, 52, 50)), RULE, since + 2_000, 151, true);
    assert.equal(v.takeover?.result, 'checking', 'four duties (two blocks, two chunks) are under five');
    v = withTakeoverChecked(withReading(v, reading(since + 3_000, 53, 50)), RULE, since + 3_000, 152, true);
    assert.equal(v.takeover?.result, 'not-producing');
    assert.equal(leaderReport(v, RULE, since + 3_000).health, 'degraded');
    let quiet = taken(headsUntil(initialProductionView, since));
    quiet = withTakeoverChecked(withReading(quiet, reading(since + 1_000, 50, 50)), RULE, since + 1_000, 150, true);
    quiet = withTakeoverChecked(quiet, RULE, since + RULE.graceMs, 270, true);
    assert.equal(quiet.takeover?.result, 'unconfirmed');
  });
});

describe('what keeps a production move back', () => {
  const record = (fields: Partial<HandoverRecord> = {}): HandoverRecord => ({
    id: 'h', from: 'leader', to: 'self', mode: 'now', minimumLength: 1, window: null, requestedAt: T0, requestedBy: `${PRODUCTION_REQUESTER}self`,
    phase: 'done', deadlineAt: null, message: 'leader is not producing', ...fields,
  });
  const failing = { verdict: { verdict: 'failing', reason: 'blocks missed', forMs: 5_000, detail: '5 expected blocks in a row not produced' } as const, leaderId: 'leader' };
  const facts = (fields: Partial<Parameters<typeof claimProblem>[0]> = {}) => ({ nodeId: 'self', handover: null, productionRule: FULL_RULE, production: failing, benched: false, ...fields });

  test('failing with nothing in the way: claim', () => {
    assert.equal(claimProblem(facts(), T0), null);
  });

  test('each obstacle is named', () => {
    assert.match(claimProblem(facts({ production: { verdict: { verdict: 'healthy' }, leaderId: 'leader' } }), T0)!, /not judged failing/);
    assert.match(claimProblem(facts({ productionRule: { ...FULL_RULE, movesEnabled: false } }), T0)!, /--no-production-failover/);
    assert.match(claimProblem(facts({ production: { ...failing, leaderId: 'self' } }), T0)!, /no other leader/);
    assert.match(claimProblem(facts({ benched: true }), T0)!, /benched/);
    assert.match(claimProblem(facts({ handover: record({ phase: 'releasing' }) }), T0)!, /under way/);
    assert.match(claimProblem(facts({ handover: record() }), T0 + 60_000)!, /younger than --production-hold/);
  });

  test('the hold: a production move younger than --production-hold; an operator switchover or a cancelled move holds nothing', () => {
    assert.equal(productionMoveHeld(record(), FULL_RULE, T0 + FULL_RULE.holdMs - 1), true);
    assert.equal(productionMoveHeld(record(), FULL_RULE, T0 + FULL_RULE.holdMs), false);
    assert.equal(productionMoveHeld(record({ requestedBy: 'kuutamoctl' }), FULL_RULE, T0 + 1), false);
    assert.equal(productionMoveHeld(record({ phase: 'cancelled' }), FULL_RULE, T0 + 1), false);
  });

  test('held (alert) only while failing and only the hold or moves being off stand in the way', () => {
    assert.equal(moveHeld(facts({ handover: record() }), T0 + 60_000), true);
    assert.equal(moveHeld(facts({ productionRule: { ...FULL_RULE, movesEnabled: false } }), T0), true);
    assert.equal(moveHeld(facts(), T0), false);
    assert.equal(moveHeld(facts({ handover: record({ phase: 'releasing' }) }), T0), false);
  });
});
