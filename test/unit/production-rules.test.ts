/**
 * Production health (issue 17, machines/production-rules.ts and production-counts.ts): every case the issue
 * names as a move or as no move, and properties against an oracle written here from the rule's words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { missCount, type CountsReading } from '../../machines/production-counts.js';
import { DEFAULT_PRODUCTION_THRESHOLDS as RULE, judgeProduction, type ProductionFacts, type StandbyView } from '../../machines/production-rules.js';
import { fuzzRuns } from '../support/fuzz-runs.js';

const NOW = 10_000_000;
const START = NOW - 600_000; // the leader started ten minutes ago: grace long past

/** Counts readings every 15 s ending at NOW, from per-interval [expected, produced] block deltas (chunks alike). */
function readings(intervals: ReadonlyArray<[number, number]>, epochStartHeight = 1, from = NOW - intervals.length * 15_000): CountsReading[] {
  let expected = 100;
  let produced = 100;
  const list: CountsReading[] = [{ at: from, epochStartHeight, epochHeight: 1, expectedBlocks: expected, producedBlocks: produced, expectedChunks: expected, producedChunks: produced }];
  intervals.forEach(([e, p], i) => {
    expected += e;
    produced += p;
    list.push({ at: from + (i + 1) * 15_000, epochStartHeight, epochHeight: 1, expectedBlocks: expected, producedBlocks: produced, expectedChunks: expected, producedChunks: produced });
  });
  return list;
}

const standby = (nodeId: string, fields: Partial<StandbyView> = {}): StandbyView => ({
  nodeId, eligible: true, height: 5_000, headRate: 1, publishedAt: NOW, counts: [], ...fields,
});

const facts = (fields: Partial<ProductionFacts> = {}): ProductionFacts => ({
  now: NOW,
  leader: { height: 5_000, headRate: 1, publishedAt: NOW },
  leaderSince: START,
  standbys: [standby('b')],
  ...fields,
});

describe('signal (a): the head', () => {
  test('a leader level with a live standby is healthy', () => {
    assert.deepEqual(judgeProduction(facts()), { verdict: 'healthy' });
    // Two blocks behind: propagation and projection rounding, not a stall.
    assert.deepEqual(judgeProduction(facts({ leader: { height: 4_998, headRate: 1, publishedAt: NOW } })), { verdict: 'healthy' });
  });

  test('a leader whose head stands still while a standby advances is suspect, then failing after stallMs', () => {
    // Its record is 5 s old: projected at the standby's pace it would be at 5,005 now.
    const frozen = { height: 5_000, headRate: 0, publishedAt: NOW - 5_000 };
    const after10s = judgeProduction(facts({ leader: frozen, standbys: [standby('b', { height: 5_015 })] }));
    assert.equal(after10s.verdict, 'suspect');
    assert.equal(after10s.verdict === 'suspect' && after10s.reason, 'head stalled');
    assert.equal(after10s.verdict === 'suspect' && after10s.forMs, 10_000);
    const after70s = judgeProduction(facts({ leader: frozen, standbys: [standby('b', { height: 5_060, publishedAt: NOW - 10_000 })] }));
    assert.equal(after70s.verdict, 'failing');
    assert.equal(after70s.verdict === 'failing' && after70s.reason, 'head stalled');
  });

  test("the leader's own published rate does not hide a stall: its head is projected at the standby's pace", () => {
    // Stopped 25 s ago and republished its frozen head 5 s ago; its one-minute rate still says 0.7 blocks/s,
    // at which it would look 16 blocks behind, under the 15 s the standby's pace makes of 20 blocks.
    const stopped = { height: 5_000, headRate: 0.7, publishedAt: NOW - 5_000 };
    const verdict = judgeProduction(facts({ leader: stopped, standbys: [standby('b', { height: 5_025 })] }));
    assert.equal(verdict.verdict, 'failing');
    assert.equal(verdict.verdict === 'failing' && verdict.forMs, 20_000);
  });

  test('heads are compared at one moment: a stale standby record is projected, not taken raw', () => {
    // The standby published 1 s ago... and the leader 14 s ago at its live rate: level by now.
    const leader = { height: 4_987, headRate: 1, publishedAt: NOW - 14_000 };
    assert.deepEqual(judgeProduction(facts({ leader, standbys: [standby('b', { height: 4_999, publishedAt: NOW - 1_000 })] })), { verdict: 'healthy' });
  });
});

describe('signal (b): blocks missed, from the standbys\' counts', () => {
  test('consecutive expected blocks not produced: suspect below the rule, failing at it', () => {
    const two = judgeProduction(facts({ standbys: [standby('b', { counts: readings([[3, 3], [2, 0]]) })] }));
    assert.equal(two.verdict, 'suspect');
    assert.equal(two.verdict === 'suspect' && two.reason, 'blocks missed');
    assert.equal(two.verdict === 'suspect' && two.forMs, 15_000);
    const five = judgeProduction(facts({ standbys: [standby('b', { counts: readings([[3, 3], [2, 0], [3, 0]]) })] }));
    assert.equal(five.verdict, 'failing');
    assert.equal(five.verdict === 'failing' && five.reason, 'blocks missed');
    assert.equal(five.verdict === 'failing' && five.forMs, 30_000);
  });

  test('the leader cannot see its own misses: the verdict reads only the standbys, so a live-looking leader still fails', () => {
    // The leader's head is live and level (its outbound traffic is lost): only the chain's counts show it.
    const verdict = judgeProduction(facts({ standbys: [standby('b', { counts: readings([[4, 0], [4, 0]]) })] }));
    assert.equal(verdict.verdict, 'failing');
  });

  test('sporadic misses (one height in ten) never add up to a run', () => {
    const sporadic = Array.from({ length: 40 }, (): [number, number] => [10, 9]);
    assert.deepEqual(judgeProduction(facts({ standbys: [standby('b', { counts: readings(sporadic) })] })), { verdict: 'healthy' });
  });

  test('misses count expected blocks, not heights: a small seat due every few dozen heights', () => {
    // 15 blocks per reading, a seat every ~40 heights: most intervals expect nothing.
    const rare: Array<[number, number]> = [[1, 1], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0], [1, 0], [0, 0], [1, 0]];
    const three = judgeProduction(facts({ standbys: [standby('b', { counts: readings(rare) })] }));
    assert.equal(three.verdict, 'suspect', '3 expected missed over 8 intervals (~120 heights) is not 5');
    const five = judgeProduction(facts({ standbys: [standby('b', { counts: readings([...rare, [0, 0], [1, 0], [0, 0], [1, 0]]) })] }));
    assert.equal(five.verdict, 'failing');
  });

  test('the longest run among the healthy standbys counts; an unhealthy standby\'s counts do not', () => {
    const lagging = standby('lagging', { counts: readings([[1, 1]]) });
    const current = standby('current', { counts: readings([[3, 0], [3, 0]]) });
    assert.equal(judgeProduction(facts({ standbys: [lagging, current] })).verdict, 'failing');
    const cutOff = standby('cut-off', { headRate: 0, counts: readings([[3, 0], [3, 0]]) });
    assert.deepEqual(judgeProduction(facts({ standbys: [standby('b'), cutOff] })), { verdict: 'healthy' });
  });

  test('an interval with any production ends the run: the run is never more than the chain provably missed', () => {
    const count = missCount(readings([[5, 0], [5, 1], [2, 0]]), 0);
    assert.equal(count.kind === 'run' && count.blocks.missed, 2);
  });
});

describe('no move', () => {
  test('the whole chain stalled: every head stopped', () => {
    const stopped = { height: 5_000, headRate: 0, publishedAt: NOW - 5_000 };
    assert.deepEqual(judgeProduction(facts({ leader: stopped, standbys: [standby('b', { headRate: 0 })] })), { verdict: 'cannot-judge', reason: 'whole chain stalled' });
    // Stopping a moment ago: rates still fall, but every head stands at the same height: no lag.
    const justStopped = { height: 5_000, headRate: 0.3, publishedAt: NOW - 5_000 };
    assert.notEqual(judgeProduction(facts({ leader: justStopped, standbys: [standby('b', { headRate: 0.3, publishedAt: NOW - 5_000 })] })).verdict, 'failing');
  });

  test('no healthy eligible standby: none, none eligible, none with a known head, or only cut-off ones', () => {
    const none = { verdict: 'cannot-judge', reason: 'no healthy standby' };
    const frozen = { height: 5_000, headRate: 0, publishedAt: NOW };
    assert.deepEqual(judgeProduction(facts({ leader: frozen, standbys: [] })), none);
    assert.deepEqual(judgeProduction(facts({ leader: frozen, standbys: [standby('b', { eligible: false, height: 5_100 })] })), none);
    assert.deepEqual(judgeProduction(facts({ leader: frozen, standbys: [standby('b', { height: null })] })), none);
    assert.deepEqual(judgeProduction(facts({ standbys: [standby('b', { headRate: 0, counts: readings([[5, 0], [5, 0]]) })] })), none, 'the leader moves, the standby does not');
  });

  test('in grace after a start, and misses from before the grace ended are not the new leader\'s', () => {
    const missing = readings([[5, 0], [5, 0], [2, 0]]);
    const frozen = { height: 5_000, headRate: 0, publishedAt: NOW };
    assert.deepEqual(judgeProduction(facts({ leaderSince: NOW - 60_000, leader: frozen, standbys: [standby('b', { height: 5_200, counts: missing })] })), { verdict: 'cannot-judge', reason: 'in grace' });
    // Grace ended 20 s ago: only the reading at NOW - 15 s and NOW compare.
    const verdict = judgeProduction(facts({ leaderSince: NOW - RULE.graceMs - 20_000, standbys: [standby('b', { counts: missing })] }));
    assert.equal(verdict.verdict, 'suspect');
  });

  test('counts reset: a new epoch or a count going down restarts the count', () => {
    const before = readings([[5, 0], [5, 0]], 1);
    const newEpoch = readings([], 61, NOW);
    assert.deepEqual(judgeProduction(facts({ standbys: [standby('b', { counts: [...before, { ...newEpoch[0]!, expectedBlocks: 2, producedBlocks: 0 }] })] })), { verdict: 'cannot-judge', reason: 'counts reset' });
    const restarted = [...before.slice(0, -1), { ...before[before.length - 1]!, at: NOW, expectedBlocks: 1, producedBlocks: 0 }];
    assert.deepEqual(judgeProduction(facts({ standbys: [standby('b', { counts: restarted })] })), { verdict: 'cannot-judge', reason: 'counts reset' });
    // After the reset the count starts from the new baseline: the earlier 10 misses are gone.
    const after = [...before, ...readings([[1, 0]], 61, NOW - 15_000).map((r) => ({ ...r, at: r.at + 15_000 }))];
    const verdict = judgeProduction(facts({ now: NOW + 15_000, standbys: [standby('b', { publishedAt: NOW + 15_000, counts: after })], leader: { height: 5_015, headRate: 1, publishedAt: NOW + 15_000 } }));
    assert.equal(verdict.verdict, 'suspect');
    assert.equal(verdict.verdict === 'suspect' && verdict.detail, '1 expected blocks in a row not produced');
  });

  test('a failing head is not hidden by counts that just reset: each signal stands alone', () => {
    const before = readings([[1, 1]], 1);
    const counts = [...before, { ...before[1]!, at: NOW, epochStartHeight: 61, epochHeight: 2, expectedBlocks: 0, producedBlocks: 0 }];
    const verdict = judgeProduction(facts({ leader: { height: 4_900, headRate: 0, publishedAt: NOW }, standbys: [standby('b', { counts })] }));
    assert.equal(verdict.verdict, 'failing');
  });
});

describe('properties against an oracle', () => {
  /**
   * A scenario: the leader's duties as a list of outcomes (true: produced), cut into reading intervals; the
   * standbys read the cumulative counts every 15 s up to NOW. The oracle's truths: the longest run of
   * consecutive misses anywhere, and the trailing run that the readings can prove (intervals with no production).
   */
  const scenario = fc.record({
    outcomes: fc.array(fc.boolean(), { maxLength: 60 }),
    missRate: fc.double({ min: 0, max: 1, noNaN: true }),
    cuts: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 2, maxLength: 20 }),
    standbys: fc.integer({ min: 1, max: 3 }),
  });

  function build(outcomes: readonly boolean[], cuts: readonly number[]): { counts: CountsReading[]; intervals: boolean[][] } {
    const intervals: boolean[][] = [];
    let i = 0;
    for (const n of cuts) {
      intervals.push(outcomes.slice(i, i + n));
      i += n;
    }
    const deltas = intervals.map((d): [number, number] => [d.length, d.filter(Boolean).length]);
    return { counts: readings(deltas), intervals };
  }

  const longestMissRun = (outcomes: readonly boolean[]): number => {
    let best = 0;
    let run = 0;
    for (const produced of outcomes) {
      run = produced ? 0 : run + 1;
      best = Math.max(best, run);
    }
    return best;
  };

  test('every head live and level, and no run of misses as long as the rule: never failing', () => {
    fc.assert(
      fc.property(scenario, ({ outcomes, cuts, standbys }) => {
        const { counts, intervals } = build(outcomes, cuts);
        const seen = intervals.flat();
        fc.pre(longestMissRun(seen) < RULE.consecutiveMisses);
        const verdict = judgeProduction(facts({ standbys: Array.from({ length: standbys }, (_, k) => standby(`s${k}`, { counts })) }));
        return verdict.verdict !== 'failing';
      }),
      fuzzRuns(300),
    );
  });

  test('the counted run is sandwiched: at least the misses of trailing all-missed intervals, at most the true trailing run', () => {
    fc.assert(
      fc.property(scenario, ({ outcomes, cuts }) => {
        const { counts, intervals } = build(outcomes, cuts);
        const count = missCount(counts, 0);
        if (count.kind !== 'run') return false;
        const seen = intervals.flat();
        let trueTrailing = 0;
        for (let k = seen.length - 1; k >= 0 && !seen[k]; k--) trueTrailing++;
        let provable = 0;
        for (let k = intervals.length - 1; k >= 0 && !intervals[k]!.some(Boolean); k--) provable += intervals[k]!.length;
        return count.blocks.missed >= provable && count.blocks.missed <= trueTrailing;
      }),
      fuzzRuns(300),
    );
  });

  test('when every head has stopped, never failing (whatever the rates still say, every head stands at one height)', () => {
    const stoppedHead = fc.record({ headRate: fc.constantFrom(0, 0.1, 0.5), age: fc.integer({ min: 0, max: 15_000 }) });
    fc.assert(
      fc.property(stoppedHead, fc.array(stoppedHead, { minLength: 1, maxLength: 4 }), (leader, others) => {
        // Stopped no more than a publish interval ago: a rate falls with its one-minute window.
        const verdict = judgeProduction(facts({
          leader: { height: 5_000, headRate: leader.headRate, publishedAt: NOW - leader.age },
          standbys: others.map((s, k) => standby(`s${k}`, { headRate: s.headRate, publishedAt: NOW - s.age })),
        }));
        return verdict.verdict !== 'failing';
      }),
      fuzzRuns(300),
    );
  });
});
