/**
 * A syncing neard produces nothing (localnet/neard/producing.ts): a validating period that began before its
 * process's startup sync ended produces from that process's sync end, so countDuties counts the duties
 * before it as missed; a period that began synced (a hot swap) produces from its start; a sync end of an
 * earlier process with the same pid, or one after the period ended, does not count.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Chain } from '../../localnet/neard/chain.js';
import { countDuties } from '../../localnet/neard/duty-count.js';
import type { ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { producingFromMs, producingPeriods } from '../../localnet/neard/producing.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import type { SyncEndRecord } from '../../localnet/neard/validator-log.js';

const BLOCK_MS = 100;

const period = (startMs: number, endMs: number, startedSyncing: boolean, pid = 7): ValidatingPeriod =>
  ({ accountId: 'a', pid, home: '/h', startMs, endMs, ...(startedSyncing ? { startedSyncing: true as const } : {}) });
const syncEnd = (t_ms: number, pid = 7): SyncEndRecord => ({ pid, home: '/h', t_ms });

describe('producing periods', () => {
  test('a period that began synced (hot swap) produces from its start, whatever the sync records say', () => {
    assert.equal(producingFromMs(period(1_000, 5_000, false), []), 1_000);
    assert.equal(producingFromMs(period(1_000, 5_000, false), [syncEnd(3_000)]), 1_000);
  });

  test('a period that began syncing (restart) produces from its process\'s sync end', () => {
    assert.equal(producingFromMs(period(1_000, 5_000, true), [syncEnd(2_500)]), 2_500);
  });

  test('no sync end, or one after the period ended: it never produced', () => {
    assert.equal(producingFromMs(period(1_000, 5_000, true), []), null);
    assert.equal(producingFromMs(period(1_000, 5_000, true), [syncEnd(5_000)]), null);
    assert.deepEqual(producingPeriods([period(1_000, 5_000, true)], [syncEnd(6_000)]), []);
  });

  test('the sync end of an earlier process with the same pid, or of another pid, is not this one\'s', () => {
    assert.equal(producingFromMs(period(1_000, 5_000, true), [syncEnd(500), syncEnd(2_000, 8)]), null);
    assert.equal(producingFromMs(period(1_000, 5_000, true), [syncEnd(500), syncEnd(3_000)]), 3_000);
  });

  test('cut periods are marked synced, so cutting twice changes nothing', () => {
    const once = producingPeriods([period(1_000, 5_000, true), period(6_000, 9_000, false, 9)], [syncEnd(2_000)]);
    assert.deepEqual(once, [{ accountId: 'a', pid: 7, home: '/h', startMs: 2_000, endMs: 5_000 }, period(6_000, 9_000, false, 9)]);
    assert.deepEqual(producingPeriods(once, [syncEnd(2_000)]), once);
  });

  test('counted with countDuties: the duties while the restarted validator synced are missed', () => {
    const genesis = { chainId: 't', genesisTimeMs: 0, genesisHeight: 0, epochLength: 100, protocolVersion: 0, validators: [{ account_id: 'a', public_key: 'ed25519:x', amount: '1' }], text: 't' };
    const chain = new Chain(genesis, BLOCK_MS);
    const schedule = new Schedule(chain, parseSchedule('a:X', 'test')); // due at every height
    // Started at height 10's time, synced at 15.5's: heights 10..15 missed, 16..20 produced.
    const periods = producingPeriods([period(10 * BLOCK_MS, Infinity, true)], [syncEnd(15.5 * BLOCK_MS)]);
    assert.deepEqual(countDuties(chain, schedule, periods, 'a', 10, 20), { blocksExpected: 11, blocksProduced: 5, chunksExpected: 11, chunksProduced: 5 });
    // From process start, as before: every one of them produced.
    assert.equal(countDuties(chain, schedule, [period(10 * BLOCK_MS, Infinity, true)], 'a', 10, 20).blocksProduced, 11);
  });
});
