/**
 * The switchover bench's chance of its result had windows been ignored (test/bench/switchover-chance.ts):
 * p(g) from the schedule checked against a count over a fine grid of gap positions (an oracle that knows
 * nothing of the formula), the Poisson binomial tail against enumerating every outcome, and the default
 * schedule's figures quoted in test/bench/switchover.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { atMostChance, dutyLayoutOf, dutyOffsets, formatChance, hitChance } from './switchover-chance.js';

/** The share of gap starts s on a grid over one epoch (step 1 ms) for which [s, s + g) holds a duty's block time. */
function gridChance(offsets: readonly number[], epochLength: number, blockMs: number, gapMs: number): number {
  const periodMs = epochLength * blockMs;
  // Duty times over two epochs, so a gap running past the epoch's end sees the next epoch's first duties.
  const times = [...offsets, ...offsets.map((o) => o + epochLength)].map((o) => o * blockMs);
  let hits = 0;
  for (let s = 0.5; s < periodMs; s += 1) if (times.some((t) => t >= s && t < s + gapMs)) hits++;
  return hits / periodMs;
}

describe('p(g): a gap placed at random in the epoch holds a duty', () => {
  test('due at every height of 0.5 s blocks: a 50 ms gap hits 10 % of the time, a block-long one always', () => {
    const every = dutyOffsets(() => true, 1, 60);
    assert.equal(every.length, 60);
    assert.ok(Math.abs(hitChance(every, 60, 500, 50) - 0.1) < 1e-12);
    assert.equal(hitChance(every, 60, 500, 500), 1);
    assert.equal(hitChance(every, 60, 500, 5_000), 1);
  });

  test('no gap or no duty: never', () => {
    assert.equal(hitChance([0, 1, 2], 60, 500, 0), 0);
    assert.equal(hitChance([0, 1, 2], 60, 500, -3), 0);
    assert.equal(hitChance([], 60, 500, 1_000), 0);
  });

  test('agrees with a count over gap positions, for several schedules and gaps, across the epoch\'s end', () => {
    const layouts = [
      dutyLayoutOf('X1', 20, 100), // every other height
      dutyLayoutOf('X3X5X10', 40, 100),
      dutyLayoutOf('5X4', 10, 100), // one duty, mid-epoch: the long spacing wraps round
      dutyLayoutOf(`${'X'.repeat(18)}12`, 60, 100),
    ];
    for (const d of layouts) {
      for (const gap of [1, 30, 100, 150, 420, 1_300, 7_000]) {
        const formula = hitChance(d.offsets, d.epochLength, d.blockMs, gap);
        const grid = gridChance(d.offsets, d.epochLength, d.blockMs, gap);
        assert.ok(Math.abs(formula - grid) < 2e-3, `offsets ${d.offsets.join(',')}, gap ${gap}: formula ${formula}, grid ${grid}`);
      }
    }
  });

  test('the default schedule (switchover.ts): 1.2 duties a second, 6 % for 50 ms, 70 % for a 2 s restart', () => {
    const d = dutyLayoutOf(`${'X'.repeat(18)}12`, 60, 500);
    assert.deepEqual(d.offsets, [...Array.from({ length: 18 }, (_, i) => i), ...Array.from({ length: 18 }, (_, i) => 30 + i)]);
    assert.ok(Math.abs(hitChance(d.offsets, 60, 500, 50) - 0.06) < 1e-12);
    assert.ok(Math.abs(hitChance(d.offsets, 60, 500, 2_000) - 0.7) < 1e-12);
  });

  test('a bad pattern names --schedule', () => {
    assert.throws(() => dutyLayoutOf('X-3', 60, 500), /--schedule: .*PATTERN made of B, C, X and numbers/);
  });
});

describe('P(X <= k) over independent switchovers', () => {
  /** Every outcome of the trials, its probability summed when it has k or fewer successes. */
  function enumerate(ps: readonly number[], k: number): number {
    let total = 0;
    for (let mask = 0; mask < 2 ** ps.length; mask++) {
      let p = 1;
      let hits = 0;
      ps.forEach((q, i) => {
        const hit = (mask >> i) & 1;
        hits += hit;
        p *= hit ? q : 1 - q;
      });
      if (hits <= k) total += p;
    }
    return total;
  }

  test('agrees with enumerating every outcome', () => {
    const ps = [0.06, 0.7, 0.1, 0.5, 0.01, 0.99, 0.3];
    for (let k = -1; k <= ps.length; k++) assert.ok(Math.abs(atMostChance(ps, k) - enumerate(ps, k)) < 1e-12, `k = ${k}`);
  });

  test('k = 0 is the product of (1 - p); no trials is certain', () => {
    assert.ok(Math.abs(atMostChance([0.06, 0.06, 0.5], 0) - 0.94 * 0.94 * 0.5) < 1e-12);
    assert.equal(atMostChance([], 0), 1);
    // 50 hot swaps with 50 ms gaps on the default schedule: about 4.5 % that none hits a duty.
    assert.ok(Math.abs(atMostChance(new Array<number>(50).fill(0.06), 0) - 0.94 ** 50) < 1e-12);
  });
});

test('chances print as percent down to 0.1 %, then in powers of ten', () => {
  assert.equal(formatChance(0.0453), '4.5 %');
  assert.equal(formatChance(0.001), '0.1 %');
  assert.equal(formatChance(2.3e-27), '2.3e-27');
  assert.equal(formatChance(0), '0');
});
