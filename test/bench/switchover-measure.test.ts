/**
 * One switchover's cost from the validator log (test/bench/switchover-measure.ts): the gap runs to the moment
 * the new neard can produce, its start for a hot swap and its sync end for a restart, and the duties in
 * between count as missed; an overlap is seen; heights are the chain's at those moments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Chain } from '../../localnet/neard/chain.js';
import type { ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import type { SyncEndRecord, ValidatorLogRecord } from '../../localnet/neard/validator-log.js';
import { measureSwitchover, producingSinceHeight, type PoolChain } from './switchover-measure.js';

const ACCOUNT = 'pool.test';
const genesis = { chainId: 't', genesisTimeMs: 0, genesisHeight: 0, epochLength: 1_000, protocolVersion: 0, validators: [], text: 't' };
const chain = new Chain(genesis, 100);
const pool: PoolChain = { chain, schedule: new Schedule(chain, parseSchedule(`${ACCOUNT}:X`, 'test')), accountId: ACCOUNT }; // due at every height

const rec = (event: ValidatorLogRecord['event'], pid: number, t_ms: number, synced?: boolean): ValidatorLogRecord =>
  ({ event, pid, account_id: ACCOUNT, public_key: 'ed25519:k', home: `/h${pid}`, t_ms, ...(synced === undefined ? {} : { synced }) });
const period = (pid: number, startMs: number, endMs: number, startedSyncing = false): ValidatingPeriod =>
  ({ accountId: ACCOUNT, pid, home: `/h${pid}`, startMs, endMs, ...(startedSyncing ? { startedSyncing: true as const } : {}) });
const synced = (pid: number, t_ms: number): SyncEndRecord => ({ pid, home: `/h${pid}`, t_ms });

describe('switchover cost', () => {
  test('restart: no one produces from the old stop to the new neard\'s sync end, and those duties are missed', () => {
    const records = [rec('validator_start', 1, 0, true), rec('validator_stop', 1, 1_050), rec('validator_start', 2, 1_200, false)];
    const cost = measureSwitchover(pool, { records, periods: [period(1, 0, 1_050), period(2, 1_200, 2_050, true)], syncEnds: [synced(2, 1_530)], readAtMs: 2_050 }, 900);
    assert.deepEqual(
      { stop: cost.stopHeight, start: cost.startHeight, producing: cost.producingHeight, key: cost.keyGapMs, gap: cost.gapMs, overlap: cost.overlap },
      { stop: 10, start: 12, producing: 15, key: 150, gap: 480, overlap: false },
    );
    // Heights 11-15 (block times 1,100-1,500 ms) fell in [1,050, 1,530): missed; 9, 10 and 16-20 made.
    assert.deepEqual([cost.blocksMissed, cost.chunksMissed, cost.fromHeight, cost.toHeight], [5, 5, 9, 20]);
  });

  test('restart not synced by the end: not producing, every duty after the stop missed', () => {
    const records = [rec('validator_start', 1, 0), rec('validator_stop', 1, 1_050), rec('validator_start', 2, 1_200, false)];
    const cost = measureSwitchover(pool, { records, periods: [period(1, 0, 1_050), period(2, 1_200, 2_050, true)], syncEnds: [synced(2, 2_500)], readAtMs: 2_050 }, 900);
    assert.equal(cost.producingMs, null);
    assert.equal(cost.gapMs, null);
    assert.equal(cost.blocksMissed, 10); // heights 11-20
  });

  test('hot swap: producing from the start record, a 40 ms gap between blocks misses nothing', () => {
    const records = [rec('validator_start', 1, 0), rec('validator_stop', 1, 1_020), rec('validator_start', 2, 1_060, true)];
    const cost = measureSwitchover(pool, { records, periods: [period(1, 0, 1_020), period(2, 1_060, 2_050)], syncEnds: [], readAtMs: 2_050 }, 900);
    assert.equal(cost.producingMs, 1_060);
    assert.equal(Math.round(cost.gapMs!), 40);
    assert.equal(cost.blocksMissed + cost.chunksMissed, 0);
  });

  test('a new validator starting before the old one stopped is an overlap', () => {
    const records = [rec('validator_start', 1, 0), rec('validator_start', 2, 1_000, true), rec('validator_stop', 1, 1_050)];
    const cost = measureSwitchover(pool, { records, periods: [period(1, 0, 1_050), period(2, 1_000, 2_050)], syncEnds: [], readAtMs: 2_050 }, 900);
    assert.equal(cost.overlap, true);
    assert.equal(cost.keyGapMs, -50);
  });
});

test('the live validator producing since: its start, its sync end after a restart, none while it syncs or nobody validates', () => {
  const log = (periods: ValidatingPeriod[], syncEnds: SyncEndRecord[] = []) => ({ records: [], periods, syncEnds, readAtMs: 2_050 });
  assert.equal(producingSinceHeight(pool, log([period(1, 0, 1_050), period(2, 1_260, 2_050)])), 12);
  assert.equal(producingSinceHeight(pool, log([period(2, 1_260, 2_050, true)], [synced(2, 1_730)])), 17);
  assert.equal(producingSinceHeight(pool, log([period(2, 1_260, 2_050, true)])), null);
  assert.equal(producingSinceHeight(pool, log([period(1, 0, 1_050)])), null);
});
