// The bench's power: how likely its result would be if the daemon ignored maintenance windows. A switchover
// leaves the pool account without a producing validator for its gap g (old neard's stop to the new one
// producing); placed uniformly at random in the epoch (the schedule repeats every epoch, period T), it misses
// a duty when some duty's block time falls in it. The start times that do so are the union over duties d of
// [d - g, d], whose length on the circle is the sum over consecutive duties of min(g, spacing):
//   p(g) = sum_j min(g, D_j) / T,   D_j = time from duty j-1 to duty j (wrapping round the epoch).
// Switchovers are independent, so the number X of them that would miss a duty is a sum of Bernoulli(p_i)
// (Poisson binomial); the chance of a result as good as the one seen (k of n missed) is P(X <= k), for k = 0
// the product of (1 - p_i). Pure.
import { Chain } from '../../localnet/neard/chain.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import type { DutyLayout } from './switchover-result.js';

/** The report's statement of the above (markdown). */
export const CHANCE_FORMULA =
  'p(g) = Σ_j min(g, Δ_j) / T for a gap g placed uniformly at random in an epoch of length T whose duties (heights with a block or chunk ' +
  'of the pool account) are Δ_j apart (wrapping round the epoch); over n switchovers with gaps g_i, the chance that k or fewer would miss ' +
  'a duty is P(X ≤ k) with X the sum of independent Bernoulli(p(g_i)), which for k = 0 is Π_i (1 − p(g_i)).';

/** Offsets in blocks, from the epoch's first height, of the heights with a duty, for heights epochStart .. epochStart + epochLength - 1. */
export function dutyOffsets(isDue: (height: number) => boolean, epochStart: number, epochLength: number): number[] {
  const offsets: number[] = [];
  for (let o = 0; o < epochLength; o++) if (isDue(epochStart + o)) offsets.push(o);
  return offsets;
}

/**
 * The duties of an account whose NEARD_STANDIN_SCHEDULE pattern is `pattern`, over one epoch: the pattern
 * repeats from each epoch's first height, so any genesis gives the same layout. Throws on a bad pattern,
 * naming --schedule.
 */
export function dutyLayoutOf(pattern: string, epochLength: number, blockMs: number): DutyLayout {
  const genesis = { chainId: 'layout', genesisTimeMs: 0, genesisHeight: 0, epochLength, protocolVersion: 0, validators: [], text: '' };
  const chain = new Chain(genesis, blockMs);
  const schedule = new Schedule(chain, parseSchedule(`pool:${pattern}`, '--schedule'));
  const isDue = (height: number) => {
    const d = schedule.duty('pool', height);
    return d.block || d.chunk;
  };
  return { offsets: dutyOffsets(isDue, 1, epochLength), epochLength, blockMs };
}

/**
 * p(g): the chance that a gap of `gapMs` placed uniformly at random in the epoch holds at least one duty's
 * block time. `offsets` are dutyOffsets (sorted, each < epochLength); a gap of 0 or less holds none.
 */
export function hitChance(offsets: readonly number[], epochLength: number, blockMs: number, gapMs: number): number {
  if (offsets.length === 0 || gapMs <= 0) return 0;
  const periodMs = epochLength * blockMs;
  let covered = 0;
  offsets.forEach((o, j) => {
    const previous = j === 0 ? offsets[offsets.length - 1]! - epochLength : offsets[j - 1]!;
    covered += Math.min(gapMs, (o - previous) * blockMs);
  });
  return Math.min(1, covered / periodMs);
}

/** P(X <= k) for X the number of successes of independent trials with chances `ps` (Poisson binomial). */
export function atMostChance(ps: readonly number[], k: number): number {
  if (k < 0) return 0;
  // dist[m] = P(m successes so far), by one trial at a time.
  let dist = [1];
  for (const p of ps) {
    const next = new Array<number>(dist.length + 1).fill(0);
    dist.forEach((q, m) => {
      next[m] = next[m]! + q * (1 - p);
      next[m + 1] = next[m + 1]! + q * p;
    });
    dist = next;
  }
  return Math.min(1, dist.slice(0, k + 1).reduce((a, b) => a + b, 0));
}

/** A chance for the report: percent down to 0.1 %, below that in powers of ten. */
export function formatChance(p: number): string {
  if (p >= 0.001) return `${(p * 100).toFixed(1)} %`;
  if (p === 0) return '0';
  return p.toExponential(1);
}
