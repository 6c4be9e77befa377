/**
 * The soak's duty count (test/bench/soak-duties.ts): the run cut at each fault's start, the pool account's
 * blocks and chunks in each piece counted by the stand-in's rules: a takeover's gap, a restarted neard
 * producing only once synced, a mute home from the fault file, a block made at a fault's very start.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Chain } from '../../localnet/neard/chain.js';
import { parseFaultRecords } from '../../localnet/neard/fault-records.js';
import { FaultTimeline } from '../../localnet/neard/fault-timeline.js';
import type { ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import type { PoolChain } from './gray-measure.js';
import { faultSegments, soakDuties, type SegmentDuties } from './soak-duties.js';

const BLOCK_MS = 1_000;
const ACCOUNT = 'pool.test';
const NO_FAULTS = new FaultTimeline();

/** Block h is made at h s; the epoch starts at height 1, so `X1` makes the account due at the odd heights. */
function pool(faults: FaultTimeline, pattern = 'X1'): PoolChain {
  const genesis = { chainId: 't', genesisTimeMs: 0, genesisHeight: 0, epochLength: 1_000, protocolVersion: 0, validators: [{ account_id: ACCOUNT, public_key: 'ed25519:x', amount: '1' }], text: 't' };
  const chain = new Chain(genesis, BLOCK_MS, 0, () => faults.stalls());
  return { chain, schedule: new Schedule(chain, parseSchedule(`${ACCOUNT}:${pattern}`, 'test')), accountId: ACCOUNT };
}

const period = (home: string, pid: number, startMs: number, endMs: number, extra: Partial<ValidatingPeriod> = {}): ValidatingPeriod => ({ accountId: ACCOUNT, pid, home, startMs, endMs, ...extra });
const timeline = (lines: object[]): FaultTimeline => new FaultTimeline(parseFaultRecords(lines.map((l) => JSON.stringify(l)).join('\n')));
const STARTS = [{ fault: 'neard-kill', startMs: 10_000 }, { fault: 'daemon-kill', startMs: 20_000 }];
const missed = (s: SegmentDuties) => [s.fault, s.blocksMissed, s.blocksExpected, s.chunksMissed, s.chunksExpected];

describe('soak duty count', () => {
  test('each fault owns the time to the next one; a takeover gap misses the duties in it, and only those', () => {
    // A validates until 10.5 s (killed), B from 13.2 s: the duties at 11 s and 13 s are nobody's.
    const periods = [period('A', 1, 0, 10_500), period('B', 2, 13_200, 40_000)];
    const segments = soakDuties(pool(NO_FAULTS), { periods, syncEnds: [] }, NO_FAULTS, STARTS, 500, 30_000);
    assert.deepEqual(segments.map((s) => [s.fromMs, s.toMs]), [[500, 10_000], [10_000, 20_000], [20_000, 30_000]]);
    assert.deepEqual(segments.map(missed), [
      [null, 0, 5, 0, 5], // heights 1, 3, 5, 7, 9 by A
      ['neard-kill', 2, 5, 2, 5], // 11 and 13 missed; 15, 17, 19 by B
      ['daemon-kill', 0, 5, 0, 5],
    ]);
  });

  test('a restarted neard holds the key while it syncs but produces only from its sync end', () => {
    const periods = [period('A', 1, 0, 10_500), period('B', 2, 13_200, 40_000, { startedSyncing: true })];
    const syncEnds = [{ pid: 2, home: 'B', t_ms: 16_500 }];
    const segments = soakDuties(pool(NO_FAULTS), { periods, syncEnds }, NO_FAULTS, STARTS, 500, 30_000);
    assert.deepEqual(missed(segments[1]!), ['neard-kill', 3, 5, 3, 5]); // 15 is missed too
    // Never synced: it produced nothing at all.
    const never = soakDuties(pool(NO_FAULTS), { periods, syncEnds: [] }, NO_FAULTS, STARTS, 500, 30_000);
    assert.deepEqual(never.map(missed).map((m) => m[1]), [0, 5, 5]);
  });

  test('a home made mute by the fault file misses its duties although it holds the key', () => {
    const faults = timeline([{ t_ms: 22_500, home: 'A', fault: 'mute' }, { t_ms: 26_500, home: 'A', fault: 'none' }]);
    const segments = soakDuties(pool(faults), { periods: [period('A', 1, 0, 40_000)], syncEnds: [] }, faults, STARTS, 500, 30_000);
    assert.deepEqual(segments.map(missed), [[null, 0, 5, 0, 5], ['neard-kill', 0, 5, 0, 5], ['daemon-kill', 2, 5, 2, 5]]); // 23 and 25
  });

  test("another account's periods do not produce the pool's duties; block-only and chunk-only duties count apart", () => {
    const periods = [period('A', 1, 0, 40_000, { accountId: 'other.test' })];
    const [before] = soakDuties(pool(NO_FAULTS, 'BC'), { periods, syncEnds: [] }, NO_FAULTS, [], 500, 10_000);
    assert.deepEqual(missed(before!), [null, 5, 5, 5, 5]); // heights 1..10: blocks at odd, chunks at even ones
  });

  test("a block made at a fault's very start belongs to the time before it: the fault takes effect just after", () => {
    const segments = faultSegments([{ fault: 'x', startMs: 11_000 }], 0, 14_000);
    const counted = soakDuties(pool(NO_FAULTS, 'X'), { periods: [], syncEnds: [] }, NO_FAULTS, [{ fault: 'x', startMs: 11_000 }], 0, 14_000);
    assert.deepEqual(segments, [{ fault: null, fromMs: 0, toMs: 11_000 }, { fault: 'x', fromMs: 11_000, toMs: 14_000 }]);
    assert.deepEqual(counted.map((s) => s.blocksExpected), [11, 3]); // heights 1..11, then 12..14
  });

  test('fault starts out of time order are refused, naming them', () => {
    assert.throws(() => faultSegments([{ fault: 'a', startMs: 5_000 }, { fault: 'b', startMs: 4_000 }], 0, 10_000), /in time order .*5000, 4000/);
  });
});
