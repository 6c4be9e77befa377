/**
 * The eligibility rule and the pool table, as pure functions: who may contend (synced, within
 * --max-lag-blocks of the best live head, not --no-failover), what a standby reports to the chart about
 * the others (only live eligible standbys count; the leader cannot take over from itself; priority), and
 * how `kuutamoctl list` and /ui show a member (lock per the lock key, stale records marked, ages).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bestHeadOf, eligibilityOf, judgePool, projectedHeight } from '../../services/pool/member-eligibility.js';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { HeadRate } from '../../src/head-rate.js';
import { formatAge, formatPoolTable, poolTableOf } from '../../src/pool-table-rows.js';
import type { PoolView } from '../../src/pool-view.js';
import { memberRecord } from '../support/member-fixture.js';

const NOW = 1_800_000_000_000;
const rule = { maxLagBlocks: 50 };

const member = (nodeId: string, fields: Partial<MemberRecord> = {}): MemberRecord => memberRecord(nodeId, { height: 1_000, now: NOW }, fields);

describe('eligibility rule', () => {
  test('synced Voting or Validating within the lag is eligible; each other case says why not', () => {
    const base = { state: 'Voting', syncing: false, height: 950, noFailover: false };
    assert.deepEqual(eligibilityOf(base, 1_000, rule), { eligible: true, reason: null });
    assert.equal(eligibilityOf({ ...base, height: 949 }, 1_000, rule).reason, '51 blocks behind the best head (more than --max-lag-blocks 50)');
    assert.equal(eligibilityOf({ ...base, noFailover: true }, 1_000, rule).reason, 'started with --no-failover');
    assert.equal(eligibilityOf({ ...base, state: 'Syncing' }, 1_000, rule).reason, 'in Syncing, not Voting');
    assert.equal(eligibilityOf({ ...base, syncing: true }, 1_000, rule).reason, 'neard is syncing');
    assert.equal(eligibilityOf({ ...base, height: null }, 1_000, rule).reason, 'no head height known');
    assert.equal(eligibilityOf({ ...base, state: 'Validating' }, 950, rule).eligible, true);
  });

  test('judgePool: only live eligible standbys count as others; dead records and the leader do not', () => {
    const self = { nodeId: 'me', failoverPriority: 1, state: 'Voting', syncing: false, height: 900, noFailover: false };
    const live = (m: MemberRecord) => NOW - m.publishedAt <= 3_000;
    const leader = member('leader', { state: 'Validating', detail: 'Validating.Leased', holdsLock: true, height: 1_000 });
    assert.deepEqual(judgePool(self, [leader], rule, live, NOW), { eligible: false, reason: '100 blocks behind the best head (more than --max-lag-blocks 50)', eligibleOthers: 0, outrankedBy: null });
    const standby = member('other', { height: 1_001 });
    assert.equal(judgePool(self, [leader, standby], rule, live, NOW).eligibleOthers, 1);
    const dead = member('dead', { height: 5_000, publishedAt: NOW - 60_000 });
    assert.deepEqual(judgePool({ ...self, height: 1_000 }, [leader, dead], rule, live, NOW), { eligible: true, reason: null, eligibleOthers: 0, outrankedBy: null }, "a dead node's head is not the best head");
    const lagging = member('slow', { eligible: false, ineligibleReason: 'neard is syncing' });
    assert.equal(judgePool(self, [leader, lagging], rule, live, NOW).eligibleOthers, 0);
    // Its own record among the members is not another standby.
    assert.equal(judgePool(self, [member('me')], rule, live, NOW).eligibleOthers, 0);
  });

  test("heads read at different times are compared at the same time, at each node's own rate", () => {
    // Published 10 s ago at 1.5 blocks/s: 15 blocks further by now. Without a rate: as published; stalled: stays.
    assert.equal(projectedHeight({ height: 1_000, headRate: 1.5, publishedAt: NOW - 10_000 }, NOW), 1_015);
    assert.equal(projectedHeight({ height: 1_000, headRate: null, publishedAt: NOW - 10_000 }, NOW), 1_000);
    assert.equal(projectedHeight({ height: 1_000, headRate: 0, publishedAt: NOW - 10_000 }, NOW), 1_000);
    const stale = member('stale', { height: 990, headRate: 1, publishedAt: NOW - 14_000 });
    const fresh = member('fresh', { height: 1_000, headRate: 1, publishedAt: NOW - 1_000 });
    assert.equal(bestHeadOf([stale, fresh], NOW), 1_004, 'the stale record is projected past the fresh one');
    // A standby whose own head is current is not called lagging for the age of the leader's record.
    const self = { nodeId: 'me', failoverPriority: 1, state: 'Voting', syncing: false, height: 1_030, noFailover: false };
    const leader = member('leader', { state: 'Validating', height: 1_000, headRate: 2, publishedAt: NOW - 14_000 });
    assert.equal(judgePool(self, [leader], { maxLagBlocks: 0 }, () => true, NOW).eligible, true);
  });

  test('judgePool: the highest-priority live eligible standby above this node outranks it', () => {
    const self = { nodeId: 'me', failoverPriority: 2, state: 'Voting', syncing: false, height: 1_000, noFailover: false };
    const live = () => true;
    const members = [member('low', { failoverPriority: 1 }), member('high', { failoverPriority: 5 }), member('mid', { failoverPriority: 3 })];
    assert.equal(judgePool(self, members, rule, live, NOW).outrankedBy, 'high');
    assert.equal(judgePool({ ...self, failoverPriority: 5 }, members, rule, live, NOW).outrankedBy, null, 'an equal priority does not outrank');
    const ineligible = [member('high', { failoverPriority: 5, eligible: false })];
    assert.equal(judgePool(self, ineligible, rule, live, NOW).outrankedBy, null, 'an ineligible one does not outrank');
  });
});

describe('pool table', () => {
  const view = (members: PoolView['members'], lockHolder: string | null): PoolView => ({ accountId: 'pool.test', bestHead: 1_000, lockHolder, members, unreadable: [], readAt: NOW });
  const row = (m: MemberRecord, lockHolder: boolean, lag = 0) => ({ ...m, lag, lockHolder, staleLock: lockHolder !== m.holdsLock });

  test('ages as an operator reads them', () => {
    assert.deepEqual([formatAge(800), formatAge(12_400), formatAge(185_000), formatAge(7_800_000)], ['800ms', '12s', '3m05s', '2h10m']);
  });

  test('the lock column follows the lock key; a record that disagrees is marked stale with a note', () => {
    const old = member('node0', { holdsLock: true, state: 'Validating', detail: 'Validating.Leased' });
    const fresh = member('node1', { holdsLock: false, failoverPriority: 2 });
    const table = poolTableOf(view([row(old, false), row(fresh, true, 3)], 'node1'));
    assert.equal(table.rows[0]?.cells.lock, 'no*');
    assert.equal(table.rows[1]?.cells.lock, 'yes*');
    assert.equal(table.rows[1]?.cells.node, 'node1 (priority 2)');
    assert.equal(table.rows[1]?.cells.lag, '3');
    assert.match(table.notes[0] ?? '', /^\* the record of node0, node1 disagrees with the lock key/);
    const text = formatPoolTable(table).split('\n');
    assert.match(text[0]!, /^NODE\s+STATE\s+LOCK\s+HEAD\s+LAG\s+RENEWED\s+KUUTAMOD\s+NEARD\s+ELIGIBLE\s+PUBLISHED$/);
    assert.match(text[1]!, /^node0\s+Validating \(Validating\.Leased\)\s+no\*\s+1000\s+0\s+2s ago\s+0\.1\.0\s+2\.6\.5\s+yes\s+500ms ago$/);
  });

  test('no members: the note alone; a lock held by a node without a record is said', () => {
    assert.equal(formatPoolTable(poolTableOf(view([], null))), 'No members found for account pool.test\n');
    assert.match(formatPoolTable(poolTableOf(view([], 'rust-node'))), /the lock is held by rust-node, which publishes no member record/);
    const ineligible = member('spare', { eligible: false, ineligibleReason: 'started with --no-failover' });
    assert.equal(poolTableOf(view([row(ineligible, false)], null)).rows[0]?.cells.eligible, 'no: started with --no-failover');
  });
});

describe('head rate', () => {
  test('blocks per second over the last minute; unknown below 5 s of answers; a lower head starts over', () => {
    let now = 0;
    const rate = new HeadRate(() => now);
    for (let height = 100; height <= 104; height++, now += 1_000) rate.record(height);
    assert.equal(rate.blocksPerSecond, null, '4 s of answers');
    rate.record(105);
    assert.equal(rate.blocksPerSecond, 1);
    for (now += 1_000; now <= 120_000; now += 1_000) rate.record(105 + Math.floor(now / 500) - 10);
    assert.equal(rate.blocksPerSecond, 2, 'only the last minute counts');
    rate.record(3);
    assert.equal(rate.blocksPerSecond, null, 'another neard with older data');
  });
});
