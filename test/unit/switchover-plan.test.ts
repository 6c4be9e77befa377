/**
 * The checks of a switchover request (src/control/switchover-plan.ts): who may take the role, which
 * standby is best, which maintenance window a handover goes in, and what the operator is told otherwise.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { memberRecord } from '../support/member-fixture.js';
import { candidateProblem, pickCandidate, planWindow, WINDOW_START_MARGIN_BLOCKS } from '../../src/control/switchover-plan.js';

// Published at time 0 with no head rate: heads compare as published.
const member = (nodeId: string, fields: Partial<MemberRecord> = {}): MemberRecord =>
  memberRecord(nodeId, { height: 100, now: 0 }, { lastRenewalAt: 0, publishedAt: 0, ...fields });

const leader = member('leader', { state: 'Validating', detail: 'Validating.Leased', holdsLock: true });

describe('candidateProblem', () => {
  test('names each reason a node cannot take the role', () => {
    assert.equal(candidateProblem(member('a'), 'leader', 100, 50), null);
    assert.equal(candidateProblem(leader, 'leader', 100, 50), 'is the leader');
    assert.equal(candidateProblem(member('a', { noFailover: true }), 'leader', 100, 50), 'runs with --no-failover');
    assert.equal(candidateProblem(member('a', { syncing: true }), 'leader', 100, 50), 'is not synced');
    assert.equal(candidateProblem(member('a', { state: 'Registering', detail: 'Registering' }), 'leader', 100, 50), 'is in Registering, not Voting');
    assert.equal(candidateProblem(member('a', { height: null }), 'leader', 100, 50), 'has reported no head height');
    assert.equal(candidateProblem(member('a', { height: 49 }), 'leader', 100, 50), 'is 51 blocks behind the best head (more than --max-lag-blocks 50)');
    assert.equal(candidateProblem(member('a', { height: 50 }), 'leader', 100, 50), null, 'exactly --max-lag-blocks behind is still close enough');
  });
});

describe('pickCandidate', () => {
  test('--to names a ready member, an unknown one, or one that is not ready', () => {
    const members = [leader, member('a'), member('b', { syncing: true })];
    assert.deepEqual(pickCandidate(members, 'leader', 50, 'a'), { nodeId: 'a' });
    assert.deepEqual(pickCandidate(members, 'leader', 50, 'zz'), {
      refusal: '--to zz: no member of this pool has that node id (members: leader, a, b). Check the name with kuutamoctl list.',
    });
    assert.deepEqual(pickCandidate(members, 'leader', 50, 'b'), { refusal: '--to b: b is not synced; it cannot take the role now.' });
  });

  test('without --to: the highest failover priority, then the highest head, among ready standbys', () => {
    const members = [leader, member('a', { height: 99 }), member('b', { height: 100 }), member('c', { failoverPriority: 5, height: 98 }), member('d', { failoverPriority: 9, syncing: true })];
    assert.deepEqual(pickCandidate(members, 'leader', 50, undefined), { nodeId: 'c' });
    assert.deepEqual(pickCandidate(members.filter((m) => m.nodeId !== 'c'), 'leader', 50, undefined), { nodeId: 'b' });
  });

  test('without --to and nobody ready: every standby with its reason', () => {
    const members = [leader, member('a', { syncing: true }), member('b', { noFailover: true })];
    assert.deepEqual(pickCandidate(members, 'leader', 50, undefined), { refusal: 'no standby can take the role now (a is not synced; b runs with --no-failover).' });
    assert.deepEqual(pickCandidate([leader], 'leader', 50, undefined), { refusal: 'no standby can take the role now (no standby is published in Consul).' });
  });
});

describe('planWindow', () => {
  test('the first window of at least the minimum length that starts after the head plus the margin, clipped to it', () => {
    const windows = [
      { start: 100, end: 105 },
      { start: 110, end: 140 },
      { start: 150, end: 200 },
    ];
    assert.deepEqual(planWindow(windows, 90, 20), { window: { start: 110, end: 140 } });
    assert.deepEqual(planWindow(windows, 120, 20), { window: { start: 150, end: 200 } }, '[122, 140) is too short');
    assert.deepEqual(planWindow(windows, 112, 20), { window: { start: 112 + WINDOW_START_MARGIN_BLOCKS, end: 140 } });
  });

  test('never settles for a shorter window: the refusal lists what there is and what to do', () => {
    const picked = planWindow([{ start: 100, end: 105 }], 90, 20);
    assert.ok('refusal' in picked);
    assert.equal(
      picked.refusal,
      'no maintenance window of at least 20 blocks starts after height 92 before the epoch ends (windows from head 90: [100, 105) 5 blocks). Give a smaller --minimum-length, try again in the next epoch, or use --now.',
    );
  });

  test('a refusal names only the longest three windows of many (a mainnet epoch has thousands)', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ start: 100 + 10 * i, end: 100 + 10 * i + (i === 500 ? 9 : i === 7 ? 8 : i === 900 ? 7 : 2) }));
    const picked = planWindow(many, 90, 20);
    assert.ok('refusal' in picked);
    assert.match(picked.refusal, /\(windows from head 90: 1000, the longest: \[5100, 5109\) 9 blocks, \[170, 178\) 8 blocks, \[9100, 9107\) 7 blocks\)\./);
  });
});
