/**
 * Which duties of an account count as produced under the stand-in's faults (localnet/neard/duty-count.ts):
 * isolated and mute lose everything the home makes while the fault lasts, flaky loses exactly the 10th,
 * 20th, ... duty height of each epoch and never two in a row, a stall makes no heights and so no misses,
 * and the fault of one home leaves another home validating the same account untouched.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Chain } from '../../localnet/neard/chain.js';
import { countDuties, FLAKY_EVERY, lostToFlaky } from '../../localnet/neard/duty-count.js';
import { parseFaultRecords, type FaultRecord } from '../../localnet/neard/fault-records.js';
import { FaultTimeline, type Interval } from '../../localnet/neard/fault-timeline.js';
import type { GenesisInfo } from '../../localnet/neard/home.js';
import type { ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import { fuzzRuns } from '../support/fuzz-runs.js';

const BLOCK_MS = 100;
const EPOCH = 200;

function genesis(accounts: string[], epochLength: number): GenesisInfo {
  return {
    chainId: 'test',
    genesisTimeMs: 0,
    genesisHeight: 0,
    epochLength,
    protocolVersion: 0,
    validators: accounts.map((account_id) => ({ account_id, public_key: 'ed25519:x', amount: '1' })),
    text: accounts.join(','),
  };
}

function world(pattern = '', stalls: Interval[] = [], epochLength = EPOCH) {
  const chain = new Chain(genesis(['a', 'b'], epochLength), BLOCK_MS, 0, () => stalls);
  const schedule = new Schedule(chain, parseSchedule(pattern, 'test'));
  return { chain, schedule };
}

/** One process of home `home` validating account a from wall time 0 on. */
const validating = (home: string, startMs = 0, endMs = Infinity): ValidatingPeriod => ({ accountId: 'a', pid: 1, home, startMs, endMs });
const faults = (...records: FaultRecord[]): FaultTimeline => new FaultTimeline(parseFaultRecords(records.map((r) => JSON.stringify(r)).join('\n')));
/** Time of height h with no stall. */
const at = (h: number): number => h * BLOCK_MS;

describe('countDuties under faults', () => {
  test('no fault: every duty of a validating home is produced (a and b take turns)', () => {
    const { chain, schedule } = world();
    assert.deepEqual(countDuties(chain, schedule, [validating('/m')], 'a', 1, 40), { blocksExpected: 20, blocksProduced: 20, chunksExpected: 20, chunksProduced: 20 });
  });

  for (const fault of ['isolated', 'mute'] as const) {
    test(`${fault}: duties after the record are missed until the fault is lifted; the block at the record's time is not`, () => {
      const { chain, schedule } = world();
      // a has the odd heights; the fault from the time of height 11 to that of height 21.
      const timeline = faults({ t_ms: at(11), home: '/m', fault }, { t_ms: at(21), home: '/m', fault: 'none' });
      const counts = countDuties(chain, schedule, [validating('/m')], 'a', 1, 40, timeline);
      // Lost: heights 13, 15, 17, 19, 21 (21 is made at the lift's exact time: still in the fault).
      assert.deepEqual(counts, { blocksExpected: 20, blocksProduced: 15, chunksExpected: 20, chunksProduced: 15 });
    });
  }

  test("a fault belongs to a home: the same account validated from another home is produced", () => {
    const { chain, schedule } = world();
    const timeline = faults({ t_ms: 0, home: '/m', fault: 'mute' });
    const counts = countDuties(chain, schedule, [validating('/other')], 'a', 1, 40, timeline);
    assert.equal(counts.blocksProduced, 20);
  });

  test('flaky: exactly the duty heights numbered 9, 19, ... of each epoch are lost, block and chunk together', () => {
    const { chain, schedule } = world();
    const timeline = faults({ t_ms: 0, home: '/m', fault: 'flaky' });
    // a's duties are the odd heights; duty k of epoch 1 is at height 2k + 1: 19, 39, 59, ... are lost.
    const counts = countDuties(chain, schedule, [validating('/m')], 'a', 1, EPOCH, timeline);
    assert.deepEqual(counts, { blocksExpected: 100, blocksProduced: 90, chunksExpected: 100, chunksProduced: 90 });
    for (const h of [19, 39]) {
      assert.equal(countDuties(chain, schedule, [validating('/m')], 'a', h, h, timeline).blocksProduced, 0, `height ${h} lost`);
      assert.equal(countDuties(chain, schedule, [validating('/m')], 'a', h - 2, h - 2, timeline).blocksProduced, 1, `height ${h - 2} made`);
    }
    // The numbering starts again in the next epoch (first height EPOCH + 1).
    assert.equal(countDuties(chain, schedule, [validating('/m')], 'a', EPOCH + 19, EPOCH + 19, timeline).blocksProduced, 0);
    assert.equal(countDuties(chain, schedule, [validating('/m')], 'a', EPOCH + 1, EPOCH + 17, timeline).blocksProduced, 9);
  });

  test('lostToFlaky: one in FLAKY_EVERY, never two in a row', () => {
    assert.equal(FLAKY_EVERY, 10);
    const lost = Array.from({ length: 100 }, (_, i) => lostToFlaky(i));
    assert.equal(lost.filter(Boolean).length, 10);
    assert.ok(lost.every((l, i) => !(l && lost[i + 1])));
  });

  test('property: flaky loses exactly the duty heights numbered 9, 19, ... of each epoch, never two in a row, whatever the schedule', () => {
    const arbPattern = fc.array(fc.oneof(fc.constantFrom('B', 'C', 'X'), fc.integer({ min: 1, max: 12 }).map(String)), { minLength: 1, maxLength: 8 })
      .filter((tokens) => tokens.some((t) => /[BCX]/.test(t)))
      .map((tokens) => tokens.join(''));
    fc.assert(
      fc.property(arbPattern, fc.integer({ min: 0, max: 100 }), (pattern, flakyFromHeight) => {
        // Short epochs, three of them: the numbering starts again at each.
        const epochLength = 60;
        const { chain, schedule } = world(`a:${pattern}`, [], epochLength);
        const timeline = faults({ t_ms: at(flakyFromHeight), home: '/m', fault: 'flaky' });
        const periods = [validating('/m')];
        let lostInARow = 0;
        let index = 0;
        for (let h = 1; h <= 3 * epochLength; h++) {
          if ((h - 1) % epochLength === 0) index = 0;
          const duty = schedule.duty('a', h);
          if (!duty.block && !duty.chunk) continue;
          const c = countDuties(chain, schedule, periods, 'a', h, h, timeline);
          const missed = c.blocksExpected - c.blocksProduced + c.chunksExpected - c.chunksProduced;
          const expected = h > flakyFromHeight && index % 10 === 9;
          assert.equal(missed > 0, expected, `height ${h}, duty ${index} of its epoch (pattern ${pattern}, flaky from ${flakyFromHeight})`);
          if (missed > 0) assert.equal(missed, Number(duty.block) + Number(duty.chunk), 'block and chunk of the height lost together');
          lostInARow = missed > 0 ? lostInARow + 1 : 0;
          assert.ok(lostInARow < 2, `two duty heights in a row lost at ${h} (pattern ${pattern})`);
          index++;
        }
      }),
      fuzzRuns(40),
    );
  });

  test('a stall makes no heights: duties before and after it are produced, none missed, and later blocks are shifted', () => {
    const stall: Interval = { startMs: at(20), endMs: at(20) + 5_000 };
    const { chain, schedule } = world('', [stall]);
    assert.equal(chain.block(20).timeMs, at(20), 'the last block before the stall');
    assert.equal(chain.block(21).timeMs, at(21) + 5_000, 'the next one after it');
    assert.equal(chain.headHeightAt(at(20) + 4_000), 20, 'the head stands during the stall');
    // The validator ran the whole time: nothing missed, as many duties as heights say.
    const counts = countDuties(chain, schedule, [validating('/m')], 'a', 1, 40);
    assert.deepEqual(counts, { blocksExpected: 20, blocksProduced: 20, chunksExpected: 20, chunksProduced: 20 });
    // A validator that stopped for the length of the stall (a restart during a halted chain) misses nothing either.
    const aside = [validating('/m', 0, at(20) + 1), validating('/m', stall.endMs! - 1)];
    assert.deepEqual(countDuties(chain, schedule, aside, 'a', 1, 40), counts);
  });
});
