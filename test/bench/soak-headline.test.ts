/**
 * The soak's headline (test/bench/soak-headline.ts): missed blocks and chunks per fault by kind, the time
 * before the first fault counted in the total, the target judged strictly (under, not at), and no verdict
 * when nothing could have been missed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SegmentDuties } from './soak-duties.js';
import { MISSED_PER_FAULT_TARGET, soakHeadline } from './soak-headline.js';

const FAULTS = [{ id: 'neard-kill', title: '1. leader neard SIGKILL' }, { id: 'daemon-stop', title: '4. leader daemon SIGSTOP' }];

const segment = (fault: string | null, blocksMissed = 0, chunksMissed = 0): SegmentDuties =>
  ({ fault, fromMs: 0, toMs: 1, blocksExpected: 50, blocksMissed, chunksExpected: 50, chunksMissed });
const many = (n: number, fault: string) => Array.from({ length: n }, () => segment(fault));

describe('soak headline', () => {
  test('rows by fault kind in the fault list order, then kinds the list lacks; the total over every fault', () => {
    const h = soakHeadline([segment(null), segment('gray-x'), ...many(19, 'daemon-stop'), segment('daemon-stop', 1, 0), ...many(40, 'neard-kill')], FAULTS);
    assert.deepEqual(h.byFault.map((r) => [r.id, r.title, r.faults, r.blocksMissed, r.missedPerFault]), [
      ['neard-kill', '1. leader neard SIGKILL', 40, 0, 0],
      ['daemon-stop', '4. leader daemon SIGSTOP', 20, 1, 0.05],
      ['gray-x', 'gray-x', 1, 0, 0],
    ]);
    assert.deepEqual([h.all.faults, h.all.blocksExpected, h.all.blocksMissed, h.all.chunksMissed], [61, 62 * 50, 1, 0]);
    assert.equal(h.before.met, null);
    // 1 / 20 = 0.05 is not under 0.05: that kind misses the target although the run's 1 / 61 meets it.
    assert.equal(h.byFault[1]!.met, false);
    assert.equal(h.all.met, true);
    assert.equal(h.verdict, 'fail');
  });

  test('blocks and chunks both count; under the target for every kind passes', () => {
    const h = soakHeadline([...many(39, 'neard-kill'), segment('neard-kill', 1, 1), ...many(20, 'daemon-stop')], FAULTS);
    assert.equal(h.byFault[0]!.missedPerFault, 2 / 40);
    assert.equal(h.verdict, 'fail');
    const ok = soakHeadline([...many(40, 'neard-kill'), segment('neard-kill', 1, 0), ...many(20, 'daemon-stop')], FAULTS);
    assert.ok(ok.byFault[0]!.missedPerFault! < MISSED_PER_FAULT_TARGET);
    assert.equal(ok.verdict, 'pass');
  });

  test('misses before the first fault are not hidden: they count in the total', () => {
    const h = soakHeadline([segment(null, 2, 2), ...many(40, 'neard-kill')], FAULTS);
    assert.deepEqual([h.before.blocksMissed, h.before.chunksMissed, h.before.missedPerFault], [2, 2, null]);
    assert.equal(h.byFault[0]!.met, true);
    assert.equal(h.all.missedPerFault, 4 / 40);
    assert.equal(h.verdict, 'fail');
  });

  test('not judged when no fault ran or the account had no duty: nothing could have been missed', () => {
    assert.equal(soakHeadline([segment(null)], FAULTS).verdict, 'not judged');
    const idle = soakHeadline([{ ...segment('neard-kill'), blocksExpected: 0, chunksExpected: 0 }], FAULTS);
    assert.equal(idle.verdict, 'not judged');
  });
});
