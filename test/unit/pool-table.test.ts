/**
 * The pool table of `kuutamoctl list` and /ui (src/pool-table-rows.ts): the lock column per the lock key
 * with stale records marked, ages as an operator reads them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { formatAge, formatPoolTable, poolTableOf } from '../../src/pool-table-rows.js';
import type { PoolView } from '../../src/pool-view.js';
import { memberRecord } from '../support/member-fixture.js';

const NOW = 1_800_000_000_000;
const member = (nodeId: string, fields: Partial<MemberRecord> = {}): MemberRecord => memberRecord(nodeId, { height: 1_000, now: NOW }, fields);

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
