// The switchover bench's targets, judged from its results (pure); any one missed makes the bench exit 1.
// - Every switchover of every variant completed, with no two validators at once.
// - Issue 8: hot swap in a window, gap median < 1 s and 0 blocks or chunks missed; hot swap --now, every gap < 2 s.
//   The gap is the time no process produced: old neard's stop to the new one producing (synced).
// - In a window (both variants): every switchover stayed in a duty-free window the daemon chose (switchover-windows.ts).
// - Power: the window variants' result, had windows been ignored, would have had a chance under POWER_LEVEL
//   (switchover-chance.ts); a run too small to show anything fails here.
import { stats } from '../chaos/checker.js';
import { atMostChance, formatChance, hitChance } from './switchover-chance.js';
import type { DutyLayout, SwitchoverBenchResult, SwitchoverRecord, VariantResult } from './switchover-result.js';

export interface TargetVerdict {
  met: boolean;
  line: string;
}

export const HOT_SWAP_WINDOW_MEDIAN_MS = 1_000;
export const HOT_SWAP_NOW_MAX_MS = 2_000;
export const POWER_LEVEL = 0.05;

const missedDuties = (s: SwitchoverRecord): number => s.cost.blocksMissed + s.cost.chunksMissed;
const seconds = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(2));

/** Windows ignored, for these switchovers: each one's p(g), their sum (expected misses), how many missed, and P(that few or fewer). */
export interface WindowlessChance {
  n: number;
  expectedMisses: number;
  observedMisses: number;
  chance: number;
}

export function windowlessChance(switchovers: readonly SwitchoverRecord[], duties: DutyLayout): WindowlessChance {
  const measured = switchovers.filter((s) => s.cost.gapMs !== null);
  const ps = measured.map((s) => hitChance(duties.offsets, duties.epochLength, duties.blockMs, s.cost.gapMs!));
  const observed = measured.filter((s) => missedDuties(s) > 0).length;
  return { n: measured.length, expectedMisses: ps.reduce((a, b) => a + b, 0), observedMisses: observed, chance: atMostChance(ps, observed) };
}

function completion(r: VariantResult): TargetVerdict {
  const overlaps = r.switchovers.filter((s) => s.cost.overlap).length;
  const met = r.failures.length === 0 && overlaps === 0 && r.switchovers.length > 0;
  return { met, line: `${r.variant.name}: every switchover completed, 0 overlaps: ${met ? 'met' : 'MISSED'} (${r.switchovers.length} of ${r.switchovers.length + r.failures.length} completed, ${overlaps} overlaps)` };
}

function gapTarget(r: VariantResult): TargetVerdict | null {
  if (!r.variant.hotSwap) return null;
  const gaps = r.switchovers.map((s) => s.cost.gapMs);
  const known = stats(gaps.filter((g): g is number => g !== null));
  const allKnown = gaps.every((g) => g !== null) && known.n > 0;
  if (r.variant.mode === 'window') {
    const missed = r.switchovers.reduce((n, s) => n + missedDuties(s), 0);
    const met = allKnown && (known.median ?? Infinity) < HOT_SWAP_WINDOW_MEDIAN_MS && missed === 0;
    return { met, line: `${r.variant.name}: gap median < ${HOT_SWAP_WINDOW_MEDIAN_MS / 1000} s and 0 blocks or chunks missed: ${met ? 'met' : 'MISSED'} (median ${seconds(known.median)} s, ${missed} missed)` };
  }
  const met = allKnown && (known.max ?? Infinity) < HOT_SWAP_NOW_MAX_MS;
  return { met, line: `${r.variant.name}: every gap < ${HOT_SWAP_NOW_MAX_MS / 1000} s: ${met ? 'met' : 'MISSED'} (max ${seconds(known.max)} s)` };
}

function windowTarget(r: VariantResult): TargetVerdict | null {
  if (r.variant.mode !== 'window') return null;
  const bad = r.switchovers.filter((s) => s.windowProblems.length > 0);
  const met = bad.length === 0 && r.switchovers.length > 0;
  const detail = bad.slice(0, 3).map((s) => `#${s.index}: ${s.windowProblems.join('; ')}`).join(' / ');
  return { met, line: `${r.variant.name}: every old neard stopped and every new one produced inside a duty-free window the daemon chose: ${met ? 'met' : 'MISSED'} (${bad.length} of ${r.switchovers.length} outside${detail === '' ? '' : `: ${detail}`})` };
}

function powerTarget(results: readonly VariantResult[], duties: DutyLayout): TargetVerdict | null {
  const inWindows = results.filter((r) => r.variant.mode === 'window');
  if (inWindows.length === 0) return null;
  const c = windowlessChance(inWindows.flatMap((r) => r.switchovers), duties);
  const met = c.n > 0 && c.chance < POWER_LEVEL;
  return {
    met,
    line: `power: had the daemon ignored windows, the window variants' result (${c.observedMisses} of ${c.n} switchovers missing a duty) would have had a chance < ${POWER_LEVEL * 100} %: ${met ? 'met' : 'MISSED'} (${formatChance(c.chance)}; ${c.expectedMisses.toFixed(1)} misses expected without windows)`,
  };
}

export function judgeTargets(result: Pick<SwitchoverBenchResult, 'variants' | 'duties'>): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const r of result.variants) {
    verdicts.push(completion(r));
    for (const v of [gapTarget(r), windowTarget(r)]) if (v !== null) verdicts.push(v);
  }
  const power = powerTarget(result.variants, result.duties);
  if (power !== null) verdicts.push(power);
  return verdicts;
}
