/**
 * The pool's rules (machines/pool-rules.ts): heads compared at one moment, the one eligibility policy,
 * what a standby reports to its chart (judgePool), and the switchover candidate built on the policy,
 * with properties that check them against an oracle written out here from the policy's words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bestHead, candidateProblem, eligibilityOf, judgePool, lagOf, pickCandidate, projectedHeight, selfEligibility, type SelfFacts } from '../../machines/pool-rules.js';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
import { arbitraryPool, NOW } from '../support/member-arbitrary.js';
import { memberRecord } from '../support/member-fixture.js';

const rule = { maxLagBlocks: 50 };
const member = (nodeId: string, fields: Partial<MemberRecord> = {}): MemberRecord => memberRecord(nodeId, { height: 1_000, now: NOW }, fields);
const leader = member('leader', { state: 'Validating', detail: 'Validating.Leased', holdsLock: true });
const self: SelfFacts = { nodeId: 'me', failoverPriority: 1, state: 'Voting', syncing: false, height: 1_000, noFailover: false };
const everyoneLive = () => true;

describe('heads at one moment', () => {
  test("a head is projected at its own rate: without a rate as published, stalled stays, never backwards", () => {
    // Published 10 s ago at 1.5 blocks/s: 15 blocks further by now.
    assert.equal(projectedHeight({ height: 1_000, headRate: 1.5, publishedAt: NOW - 10_000 }, NOW), 1_015);
    assert.equal(projectedHeight({ height: 1_000, headRate: null, publishedAt: NOW - 10_000 }, NOW), 1_000);
    assert.equal(projectedHeight({ height: 1_000, headRate: 0, publishedAt: NOW - 10_000 }, NOW), 1_000);
    assert.equal(projectedHeight({ height: 1_000, headRate: 2, publishedAt: NOW + 5_000 }, NOW), 1_000, 'a clock ahead of ours');
    assert.equal(projectedHeight({ height: null, headRate: 2, publishedAt: NOW - 5_000 }, NOW), null);
  });

  test('the best head and a lag compare heads projected to the same moment', () => {
    const stale = member('stale', { height: 990, headRate: 1, publishedAt: NOW - 14_000 });
    const fresh = member('fresh', { height: 1_000, headRate: 1, publishedAt: NOW - 1_000 });
    assert.equal(bestHead([stale, fresh], NOW), 1_004, 'the stale record is projected past the fresh one');
    assert.equal(lagOf(fresh, 1_004, NOW), 3, 'fresh is at 1001 by now, not 1000');
    assert.equal(lagOf(stale, 1_004, NOW), 0);
    assert.equal(bestHead([member('x', { height: null })], NOW), null);
    assert.equal(lagOf(member('x', { height: null }), 1_004, NOW), null);
  });
});

describe('eligibility: one policy', () => {
  const facts = { state: 'Voting', syncing: false, height: 950, headRate: null, publishedAt: NOW, noFailover: false };

  test('synced Voting or Validating within the lag is eligible; each other case says why not', () => {
    assert.deepEqual(eligibilityOf(facts, 1_000, rule, NOW), { eligible: true, reason: null });
    assert.equal(eligibilityOf({ ...facts, state: 'Validating' }, 1_000, rule, NOW).eligible, true);
    assert.equal(eligibilityOf({ ...facts, noFailover: true }, 1_000, rule, NOW).reason, 'started with --no-failover');
    assert.equal(eligibilityOf({ ...facts, state: 'Syncing' }, 1_000, rule, NOW).reason, 'in Syncing, not Voting');
    assert.equal(eligibilityOf({ ...facts, state: 'Registering' }, 1_000, rule, NOW).reason, 'in Registering, not Voting');
    assert.equal(eligibilityOf({ ...facts, syncing: true }, 1_000, rule, NOW).reason, 'neard is syncing');
    assert.equal(eligibilityOf({ ...facts, syncing: null }, 1_000, rule, NOW).reason, 'neard is syncing', 'no /status answer yet is not synced');
    assert.equal(eligibilityOf({ ...facts, height: null }, 1_000, rule, NOW).reason, 'no head height known');
  });

  test('the lag: exactly --max-lag-blocks behind is inside, one more is outside', () => {
    assert.equal(eligibilityOf({ ...facts, height: 950 }, 1_000, rule, NOW).eligible, true);
    assert.equal(eligibilityOf({ ...facts, height: 949 }, 1_000, rule, NOW).reason, '51 blocks behind the best head (more than --max-lag-blocks 50)');
  });

  test("a member's head counts projected to the same moment as the best head, not as published", () => {
    // 940 published 10 s ago at 1 block/s is 950 now: 50 behind 1000, inside; raw it would be 60 behind.
    const old = { ...facts, height: 940, headRate: 1, publishedAt: NOW - 10_000 };
    assert.equal(eligibilityOf(old, 1_000, rule, NOW).eligible, true);
    assert.equal(eligibilityOf({ ...old, headRate: null }, 1_000, rule, NOW).reason, '60 blocks behind the best head (more than --max-lag-blocks 50)');
  });

  test("the daemon judging itself: its own head is current and counts towards the best head", () => {
    assert.deepEqual(selfEligibility(self, null, rule, NOW), { eligible: true, reason: null }, 'alone, it is the best head');
    assert.equal(selfEligibility({ ...self, height: 1_100 }, 1_000, { maxLagBlocks: 0 }, NOW).eligible, true);
    assert.equal(selfEligibility({ ...self, height: 900 }, 1_000, rule, NOW).reason, '100 blocks behind the best head (more than --max-lag-blocks 50)');
  });
});

describe('judgePool: what a standby tells its chart', () => {
  test('only live eligible standbys count as others; dead records, the leader and its own record do not', () => {
    const live = (m: MemberRecord) => NOW - m.publishedAt <= 3_000;
    const farLeader = member('leader', { state: 'Validating', detail: 'Validating.Leased', holdsLock: true, height: 1_100 });
    assert.deepEqual(judgePool(self, [farLeader], rule, live, NOW), { eligible: false, reason: '100 blocks behind the best head (more than --max-lag-blocks 50)', eligibleOthers: 0, outrankedBy: null });
    assert.equal(judgePool(self, [leader, member('other', { height: 1_001 })], rule, live, NOW).eligibleOthers, 1);
    const dead = member('dead', { height: 5_000, publishedAt: NOW - 60_000 });
    assert.deepEqual(judgePool(self, [leader, dead], rule, live, NOW), { eligible: true, reason: null, eligibleOthers: 0, outrankedBy: null }, "a dead node's head is not the best head");
    const lagging = member('slow', { eligible: false, ineligibleReason: 'neard is syncing' });
    assert.equal(judgePool(self, [leader, lagging], rule, live, NOW).eligibleOthers, 0, "another's own judgement counts");
    assert.equal(judgePool(self, [member('me', { height: 5_000 })], rule, live, NOW).eligibleOthers, 0);
    assert.equal(judgePool(self, [member('me', { height: 5_000 })], rule, live, NOW).eligible, true, 'its own stale record is not the best head');
  });

  test("a standby whose own head is current is not called lagging for the age of the leader's record", () => {
    const oldLeader = member('leader', { state: 'Validating', height: 1_000, headRate: 2, publishedAt: NOW - 14_000 });
    assert.equal(judgePool({ ...self, height: 1_030 }, [oldLeader], { maxLagBlocks: 0 }, everyoneLive, NOW).eligible, true);
    assert.equal(judgePool({ ...self, height: 1_027 }, [oldLeader], { maxLagBlocks: 0 }, everyoneLive, NOW).reason, '1 blocks behind the best head (more than --max-lag-blocks 0)');
  });

  test('outrankedBy: the first in rank order (priority, projected head, node id) of the eligible standbys above this node', () => {
    const members = [member('low', { failoverPriority: 1 }), member('high', { failoverPriority: 5 }), member('mid', { failoverPriority: 3 })];
    const at2 = { ...self, failoverPriority: 2 };
    assert.equal(judgePool(at2, members, rule, everyoneLive, NOW).outrankedBy, 'high');
    assert.equal(judgePool({ ...self, failoverPriority: 5 }, members, rule, everyoneLive, NOW).outrankedBy, null, 'an equal priority does not outrank');
    assert.equal(judgePool(at2, [member('high', { failoverPriority: 5, eligible: false })], rule, everyoneLive, NOW).outrankedBy, null, 'an ineligible one does not outrank');
    const tied = [member('a', { failoverPriority: 5, height: 990 }), member('b', { failoverPriority: 5, height: 990, headRate: 1, publishedAt: NOW - 5_000 })];
    assert.equal(judgePool(at2, tied, rule, everyoneLive, NOW).outrankedBy, 'b', 'b is at 995 by now');
    assert.equal(judgePool(at2, [member('z', { failoverPriority: 5 }), member('y', { failoverPriority: 5 })], rule, everyoneLive, NOW).outrankedBy, 'y');
  });
});

describe('switchover candidate: eligible, a standby in Voting, not the leader', () => {
  const pick = (members: MemberRecord[], to?: string) => pickCandidate(members, { leaderId: 'leader', to }, rule, NOW);

  test('names each reason a member cannot take the role, in the words of kuutamoctl list', () => {
    const problem = (m: MemberRecord) => candidateProblem(m, 'leader', 1_000, rule, NOW);
    assert.equal(problem(member('a')), null);
    assert.equal(problem(leader), 'it is the leader');
    assert.equal(problem(member('a', { noFailover: true })), 'started with --no-failover');
    assert.equal(problem(member('a', { syncing: true })), 'neard is syncing');
    assert.equal(problem(member('a', { state: 'Registering', detail: 'Registering' })), 'in Registering, not Voting');
    assert.equal(problem(member('a', { state: 'Validating', detail: 'Validating.Leased' })), 'in Validating, not a standby in Voting', "a record that is not the lock holder's");
    assert.equal(problem(member('a', { height: null })), 'no head height known');
    assert.equal(problem(member('a', { height: 949 })), '51 blocks behind the best head (more than --max-lag-blocks 50)');
    assert.equal(problem(member('a', { height: 950 })), null, 'exactly --max-lag-blocks behind is still close enough');
  });

  test('--to names a ready member, an unknown one, or one that cannot take the role (refused with the reason)', () => {
    const members = [leader, member('a'), member('b', { syncing: true })];
    assert.deepEqual(pick(members, 'a'), { nodeId: 'a' });
    assert.deepEqual(pick(members, 'zz'), { refusal: '--to zz: no member of this pool has that node id (members: leader, a, b). Check the name with kuutamoctl list.' });
    assert.deepEqual(pick(members, 'b'), { refusal: '--to b: b cannot take the role now: neard is syncing.' });
    assert.deepEqual(pick(members, 'leader'), { refusal: '--to leader: leader cannot take the role now: it is the leader.' });
    assert.deepEqual(pick([], 'a'), { refusal: '--to a: no member of this pool has that node id (members: none published). Check the name with kuutamoctl list.' });
  });

  test('without --to: the highest failover priority, then the highest projected head, then the node id', () => {
    const members = [leader, member('a', { height: 990 }), member('b', { height: 1_000 }), member('c', { failoverPriority: 5, height: 980 }), member('d', { failoverPriority: 9, syncing: true })];
    assert.deepEqual(pick(members), { nodeId: 'c' });
    assert.deepEqual(pick(members.filter((m) => m.nodeId !== 'c')), { nodeId: 'b' });
    // a was 990 eight seconds ago at 2 blocks/s: 1006 by now, past b's 1000.
    const moving = members.map((m) => (m.nodeId === 'a' ? { ...m, headRate: 2, publishedAt: NOW - 8_000 } : m)).filter((m) => m.nodeId !== 'c');
    assert.deepEqual(pick(moving), { nodeId: 'a' });
    assert.deepEqual(pick([leader, member('y'), member('x')]), { nodeId: 'x' }, 'all else equal, the node id');
  });

  test('without --to and nobody ready: every standby with its reason', () => {
    const members = [leader, member('a', { syncing: true }), member('b', { noFailover: true })];
    assert.deepEqual(pick(members), { refusal: 'no standby can take the role now (a: neard is syncing; b: started with --no-failover).' });
    assert.deepEqual(pick([leader]), { refusal: 'no standby can take the role now (no standby is published in Consul).' });
  });
});

describe('properties against an oracle', () => {
  // The policy, written out again from its words rather than from the module.
  const projected = (m: MemberRecord): number | null => (m.height === null ? null : m.height + (m.headRate === null ? 0 : Math.floor((m.headRate * Math.max(0, NOW - m.publishedAt)) / 1_000)));
  const bestOf = (heads: (number | null)[]): number | null => {
    const known = heads.filter((h): h is number => h !== null);
    return known.length === 0 ? null : Math.max(...known);
  };
  const policyAllows = (m: { noFailover: boolean; state: string; syncing: boolean | null }, head: number | null, best: number | null, maxLag: number): boolean =>
    !m.noFailover && (m.state === 'Voting' || m.state === 'Validating') && m.syncing === false && head !== null && best !== null && best - head <= maxLag;
  const canTakeRole = (m: MemberRecord, pool: MemberRecord[], leaderId: string, maxLag: number): boolean =>
    m.nodeId !== leaderId && m.state === 'Voting' && policyAllows(m, projected(m), bestOf(pool.map(projected)), maxLag);
  /** a ranks above b: a higher priority, or as high and a higher projected head, or both equal and a smaller id. */
  const outranks = (a: MemberRecord, b: MemberRecord): boolean => {
    if (a.failoverPriority !== b.failoverPriority) return a.failoverPriority > b.failoverPriority;
    const [ha, hb] = [projected(a) ?? -1, projected(b) ?? -1];
    return ha !== hb ? ha > hb : a.nodeId < b.nodeId;
  };
  const maxLag = fc.integer({ min: 0, max: 60 });

  test('a chosen candidate can take the role and no other that can outranks it; a refusal means none can', () => {
    fc.assert(
      fc.property(arbitraryPool(), fc.integer({ min: 0, max: 9 }), maxLag, (pool, leaderIndex, lag) => {
        const leaderId = `n${leaderIndex}`;
        const choice = pickCandidate(pool, { leaderId, to: undefined }, { maxLagBlocks: lag }, NOW);
        const able = pool.filter((m) => canTakeRole(m, pool, leaderId, lag));
        if ('refusal' in choice) return able.length === 0;
        const chosen = pool.find((m) => m.nodeId === choice.nodeId)!;
        return canTakeRole(chosen, pool, leaderId, lag) && !able.some((m) => outranks(m, chosen));
      }),
      fuzzRuns(300),
    );
  });

  test('--to is accepted exactly when the named member can take the role', () => {
    fc.assert(
      fc.property(arbitraryPool(), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), maxLag, (pool, leaderIndex, toIndex, lag) => {
        const [leaderId, to] = [`n${leaderIndex}`, `n${toIndex}`];
        const named = pool.find((m) => m.nodeId === to);
        const choice = pickCandidate(pool, { leaderId, to }, { maxLagBlocks: lag }, NOW);
        return 'nodeId' in choice ? choice.nodeId === to && named !== undefined && canTakeRole(named, pool, leaderId, lag) : named === undefined || !canTakeRole(named, pool, leaderId, lag);
      }),
      fuzzRuns(300),
    );
  });

  test("judgePool: this node is judged by the policy against live heads, and outrankedBy is a live eligible standby above it that none outranks", () => {
    const selfFacts = fc.record({
      state: fc.constantFrom('Voting', 'Validating', 'Syncing'),
      syncing: fc.constantFrom(false, true, null),
      height: fc.option(fc.integer({ min: 970, max: 1_000 }), { freq: 8 }),
      noFailover: fc.boolean(),
      failoverPriority: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(arbitraryPool(), selfFacts, maxLag, fc.integer({ min: 0, max: 30_000 }), (pool, facts, lag, liveFor) => {
        const me: SelfFacts = { nodeId: 'me', ...facts };
        const isLive = (m: MemberRecord) => NOW - m.publishedAt <= liveFor;
        const judged = judgePool(me, pool, { maxLagBlocks: lag }, isLive, NOW);
        const live = pool.filter(isLive);
        const eligible = policyAllows(me, me.height, bestOf([me.height, ...live.map(projected)]), lag);
        const standbys = live.filter((m) => m.state === 'Voting' && m.eligible);
        const above = standbys.filter((m) => m.failoverPriority > me.failoverPriority);
        const outranker = above.find((m) => m.nodeId === judged.outrankedBy);
        return (
          judged.eligible === eligible &&
          (judged.reason === null) === eligible &&
          judged.eligibleOthers === standbys.length &&
          (judged.outrankedBy === null ? above.length === 0 : outranker !== undefined && !above.some((m) => outranks(m, outranker)))
        );
      }),
      fuzzRuns(300),
    );
  });
});
