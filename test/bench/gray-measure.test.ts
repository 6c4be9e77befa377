/**
 * The gray bench's measurement (test/bench/gray-measure.ts): which of the pool account's duties the chain
 * records as produced, and by which home, around a fault; the first miss after it and the new home's first
 * duty; a fault record taking effect just after its time; a stall shifting block times; a flaky leader's losses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Chain } from '../../localnet/neard/chain.js';
import { parseFaultRecords } from '../../localnet/neard/fault-records.js';
import { FaultTimeline } from '../../localnet/neard/fault-timeline.js';
import type { ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import { dutiesBetween, lossSummary, moveTiming, type PoolChain } from './gray-measure.js';

const BLOCK_MS = 1_000;
const ACCOUNT = 'pool.test';

/** The pool's account as the genesis's only validator (due at every height), or with a schedule pattern. */
function pool(faults: FaultTimeline, pattern = ''): PoolChain {
  const genesis = { chainId: 't', genesisTimeMs: 0, genesisHeight: 0, epochLength: 1_000, protocolVersion: 0, validators: [{ account_id: ACCOUNT, public_key: 'ed25519:x', amount: '1' }], text: 't' };
  const chain = new Chain(genesis, BLOCK_MS, 0, () => faults.stalls());
  return { chain, schedule: new Schedule(chain, parseSchedule(pattern === '' ? '' : `${ACCOUNT}:${pattern}`, 'test')), accountId: ACCOUNT };
}

const period = (home: string, startMs: number, endMs: number, pid = home === 'A' ? 1 : 2): ValidatingPeriod => ({ accountId: ACCOUNT, pid, home, startMs, endMs });
const timeline = (lines: object[]): FaultTimeline => new FaultTimeline(parseFaultRecords(lines.map((l) => JSON.stringify(l)).join('\n')));

describe('gray bench measurement', () => {
  test('a mute leader handed over: the first miss after the fault, the new home\'s first duty, the misses between', () => {
    const faults = timeline([{ t_ms: 5_500, home: 'A', fault: 'mute' }]);
    const periods = [period('A', 0, 10_500), period('B', 13_200, 30_000)];
    const duties = dutiesBetween(pool(faults), periods, faults, 5_500, 20_000);
    assert.deepEqual(duties.map((d) => d.height), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    assert.deepEqual(duties.filter((d) => d.produced).map((d) => d.height), [14, 15, 16, 17, 18, 19, 20]);
    assert.deepEqual(duties.find((d) => d.height === 14)?.byHomes, ['B']);
    const timing = moveTiming(duties, 'B');
    assert.ok(timing?.firstNew);
    assert.equal(timing.firstMiss.height, 6);
    assert.equal(timing.firstNew.height, 14);
    assert.equal(timing.firstNew.timeMs - timing.firstMiss.timeMs, 8_000);
    assert.equal(timing.missed, 8);
  });

  test('a record takes effect just after its time: the block made at that very moment is still produced', () => {
    const faults = timeline([{ t_ms: 6_000, home: 'A', fault: 'isolated' }]);
    const periods = [period('A', 0, 30_000)];
    // From the fault's own time: the block at exactly 6 000 ms is not after it, and was produced.
    assert.equal(moveTiming(dutiesBetween(pool(faults), periods, faults, 6_000, 9_000), 'B')?.firstMiss.height, 7);
    assert.equal(dutiesBetween(pool(faults), periods, faults, 5_000, 9_000).find((d) => d.height === 6)?.produced, true);
  });

  test('nothing missed yet, or the new home not producing yet', () => {
    const faults = timeline([]);
    assert.equal(moveTiming(dutiesBetween(pool(faults), [period('A', 0, 30_000)], faults, 0, 10_000), 'B'), null);
    const mute = timeline([{ t_ms: 2_500, home: 'A', fault: 'mute' }]);
    const timing = moveTiming(dutiesBetween(pool(mute), [period('A', 0, 30_000)], mute, 2_500, 10_000), 'B');
    assert.equal(timing?.firstNew, null);
    assert.equal(timing?.missed, 8); // heights 3 to 10
  });

  test('a sparse schedule: the first miss is the first duty after the fault, however far', () => {
    const faults = timeline([{ t_ms: 1_500, home: 'A', fault: 'mute' }]);
    // Due at epoch offsets 0, 5, 10, ...: heights 1, 6, 11, 16, ...
    const duties = dutiesBetween(pool(faults, 'X4'), [period('A', 0, 12_000), period('B', 12_500, 30_000)], faults, 1_500, 20_000);
    assert.deepEqual(duties.map((d) => [d.height, d.produced]), [[6, false], [11, false], [16, true]]);
    const timing = moveTiming(duties, 'B');
    assert.ok(timing?.firstNew);
    assert.equal(timing.firstNew.timeMs - timing.firstMiss.timeMs, 10_000);
  });

  test('a chain stall makes no duties and shifts the later ones by its length', () => {
    const faults = timeline([{ t_ms: 5_500, chain: 'stall' }, { t_ms: 8_500, chain: 'run' }]);
    const duties = dutiesBetween(pool(faults), [period('A', 0, 30_000)], faults, 5_500, 12_000);
    assert.deepEqual(duties.map((d) => [d.height, d.timeMs]), [[6, 9_000], [7, 10_000], [8, 11_000], [9, 12_000]]);
    assert.deepEqual(lossSummary(duties), { duties: 4, lost: 0, longestRun: 0 });
  });

  test('a flaky leader loses one duty in ten, never two in a row', () => {
    const faults = timeline([{ t_ms: 0, home: 'A', fault: 'flaky' }]);
    const duties = dutiesBetween(pool(faults), [period('A', 0, 100_000)], faults, 0, 40_000);
    assert.deepEqual(lossSummary(duties), { duties: 40, lost: 4, longestRun: 1 });
  });
});
