/**
 * The checks of a switchover request (src/control/switchover-plan.ts): who may take the role, which
 * standby is best, and what the operator is told otherwise.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { memberRecord } from '../support/member-fixture.js';
import { candidateProblem, pickCandidate } from '../../src/control/switchover-plan.js';

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
