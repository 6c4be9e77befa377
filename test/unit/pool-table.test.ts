/**
 * The pool table of `kuutamoctl list` and /ui (src/pool-view.ts, src/pool-table-rows.ts): heads and lags
 * shown at one moment so the two columns agree, the lock column per the lock key with stale records
 * marked, ages as an operator reads them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { formatAge, formatPoolTable, poolTableOf } from '../../src/pool-table-rows.js';
import { poolViewOf } from '../../src/pool-view.js';
import type { PoolTable } from '../../src/ui/pool-table.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
import { arbitraryPool, NOW } from '../support/member-arbitrary.js';
import { memberRecord } from '../support/member-fixture.js';

const member = (nodeId: string, fields: Partial<MemberRecord> = {}): MemberRecord => memberRecord(nodeId, { height: 1_000, now: NOW }, fields);
const tableOf = (members: MemberRecord[], lockHolder: string | null = null): PoolTable => poolTableOf(poolViewOf('pool.test', { members, unreadable: [] }, lockHolder, NOW));

/** The head and lag cells of each row, as numbers (null: '-'). */
const headsAndLags = (table: PoolTable) => table.rows.map((r) => ({ node: r.nodeId, head: r.cells.head === '-' ? null : Number(r.cells.head), lag: r.cells.lag === '-' ? null : Number(r.cells.lag) }));

describe('pool table', () => {
  test('ages as an operator reads them', () => {
    assert.deepEqual([formatAge(800), formatAge(12_400), formatAge(185_000), formatAge(7_800_000)], ['800ms', '12s', '3m05s', '2h10m']);
  });

  test('heads are shown projected to the read, like the lag: the highest head shown has lag 0', () => {
    // The leader published 100 twelve seconds ago at 1 block/s: 112 by the read. The standby published 106
    // just now. Shown as published, the standby had the highest head (106 against 100) and read "lag 6".
    const leader = member('leader', { state: 'Validating', height: 100, headRate: 1, publishedAt: NOW - 12_000 });
    const standby = member('standby', { height: 106, headRate: 1, publishedAt: NOW });
    assert.deepEqual(headsAndLags(tableOf([leader, standby], 'leader')), [
      { node: 'leader', head: 112, lag: 0 },
      { node: 'standby', head: 106, lag: 6 },
    ]);
  });

  test('for any pool: the highest head shown has lag 0, and head + lag is that head on every row with both', () => {
    fc.assert(
      fc.property(arbitraryPool(), (pool) => {
        const rows = headsAndLags(tableOf(pool));
        const heads = rows.map((r) => r.head).filter((h): h is number => h !== null);
        if (heads.length === 0) return rows.every((r) => r.lag === null);
        const best = Math.max(...heads);
        return rows.every((r) => (r.head === null ? r.lag === null : r.lag !== null && r.head + r.lag === best && (r.head !== best || r.lag === 0)));
      }),
      fuzzRuns(300),
    );
  });

  test('the lock column follows the lock key; a record that disagrees is marked stale with a note', () => {
    const old = member('node0', { holdsLock: true, state: 'Validating', detail: 'Validating.Leased', height: 1_003 });
    const fresh = member('node1', { holdsLock: false, failoverPriority: 2 });
    const table = tableOf([old, fresh], 'node1');
    assert.equal(table.rows[0]?.cells.lock, 'no*');
    assert.equal(table.rows[1]?.cells.lock, 'yes*');
    assert.equal(table.rows[1]?.cells.node, 'node1 (priority 2)');
    assert.equal(table.rows[1]?.cells.lag, '3');
    assert.match(table.notes[0] ?? '', /^\* the record of node0, node1 disagrees with the lock key/);
    const text = formatPoolTable(table).split('\n');
    assert.match(text[0]!, /^NODE\s+STATE\s+LOCK\s+HEAD\s+LAG\s+RENEWED\s+KUUTAMOD\s+NEARD\s+ELIGIBLE\s+HOTSWAP\s+PRODUCTION\s+PUBLISHED$/);
    assert.match(text[1]!, /^node0\s+Validating \(Validating\.Leased\)\s+no\*\s+1003\s+0\s+2s ago\s+0\.1\.0\s+2\.6\.5\s+yes\s+-\s+-\s+500ms ago$/);
  });

  test('no members: the note alone; a lock held by a node without a record is said; an ineligible member says why', () => {
    assert.equal(formatPoolTable(tableOf([])), 'No members found for account pool.test\n');
    assert.match(formatPoolTable(tableOf([], 'rust-node')), /the lock is held by rust-node, which publishes no member record/);
    const ineligible = member('spare', { eligible: false, ineligibleReason: 'started with --no-failover' });
    assert.equal(tableOf([ineligible]).rows[0]?.cells.eligible, 'no: started with --no-failover');
  });

  test('hot swap: "-" when off (or an older daemon), ready, and a reason as a note naming the node', () => {
    const off = member('off');
    const ready = member('ready', { hotSwapReady: true });
    const partly = member('partly', { hotSwapReady: true, hotSwapReason: 'config.json tracks shards s0.v3 only (...): ready only while ...' });
    const not = member('not', { hotSwapReady: false, hotSwapReason: 'config.json tracks no shards (tracked_shards_config is "NoShards"): ...' });
    const table = tableOf([not, off, partly, ready]);
    assert.deepEqual(table.rows.map((r) => [r.nodeId, r.cells.hotswap]), [
      ['not', 'no (see notes)'],
      ['off', '-'],
      ['partly', 'ready (see notes)'],
      ['ready', 'ready'],
    ]);
    assert.deepEqual(table.notes, [
      'not is not ready for a hot swap: config.json tracks no shards (tracked_shards_config is "NoShards"): ...',
      'partly is ready for a hot swap only on a condition: config.json tracks shards s0.v3 only (...): ready only while ...',
    ]);
  });

  test('production: the leader\'s own health, a standby\'s verdict with its reason, "-" without; takeover misses and unreadable counts as notes', () => {
    const production = (fields: Partial<NonNullable<MemberRecord['production']>>): Partial<MemberRecord> => ({
      production: { health: null, verdict: null, detail: null, takeover: null, countsProblem: null, ...fields },
    });
    const rows: MemberRecord[] = [
      member('old'),
      member('lead', { holdsLock: true, state: 'Validating', ...production({ health: 'degraded', detail: 'own counts show 5 expected blocks in a row not produced', takeover: { result: 'not-producing', detail: '5 blocks and chunks due since the takeover, none produced' } }) }),
      member('new', { ...production({ health: 'checking', detail: 'waiting for its first block or chunk' }) }),
      member('ok', { ...production({ health: 'producing', detail: 'producing', takeover: { result: 'producing', detail: 'validating and producing: block #12' } }) }),
      member('s1', { ...production({ verdict: 'failing', detail: 'blocks missed for 12 s: 5 expected blocks in a row not produced' }) }),
      member('s2', { ...production({ verdict: 'cannot-judge', detail: 'in grace', countsProblem: 'validators: METHOD_NOT_FOUND' }) }),
      member('s3', { ...production({ verdict: 'healthy', detail: 'producing', takeover: { result: 'unconfirmed', detail: 'not confirmed within 120 s (no block or chunk fell due)' } }) }),
    ];
    const table = tableOf(rows, 'lead');
    assert.deepEqual(Object.fromEntries(table.rows.map((r) => [r.nodeId, r.cells.production])), {
      old: '-',
      lead: 'degraded: own counts show 5 expected blocks in a row not produced',
      new: 'checking',
      ok: 'producing',
      s1: 'failing: blocks missed for 12 s: 5 expected blocks in a row not produced',
      s2: 'cannot judge: in grace',
      s3: 'healthy',
    });
    assert.deepEqual(table.notes, [
      'lead, check after its takeover: not producing: 5 blocks and chunks due since the takeover, none produced',
      "s2 cannot read the chain's production counts (validators: METHOD_NOT_FOUND): its missed-blocks signal is off",
      's3, check after its takeover: not confirmed within 120 s (no block or chunk fell due)',
    ]);
  });
});
