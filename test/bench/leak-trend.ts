// The soak's leak verdict: a trend with a bound, not a before/after comparison. Over the last part of
// the run, a memory series (the live JS heap, USS) is cut into 5-minute buckets, each bucket's median
// taken (one garbage collection's peak is not a trend), and a least-squares line fitted through the
// medians. The series passes only when the one-sided 95 % upper bound of that slope is below
// LEAK_BOUND_MB_PER_HOUR: a steady rise of 0.5 MB/h or more fails, and so does a series too noisy to
// show it stays below. Pure functions over (time, value) samples, tested in test/bench/leak-trend.test.ts.
import { leastSquares, type Sample } from './series.js';

/** A steady rise of this much or more is a leak. */
export const LEAK_BOUND_MB_PER_HOUR = 0.5;
/** Width of the buckets whose medians the line is fitted through. */
export const BUCKET_MS = 5 * 60_000;
/** Fewer buckets than this cannot bound a slope. */
export const MIN_BUCKETS = 6;
/** A process is judged only if its samples span this share of the window. */
export const MIN_COVERAGE = 0.8;

const HOUR_MS = 3_600_000;

export interface Window {
  from: number;
  to: number;
}

export interface Trend {
  /** Samples in the window, and the bucket medians the line went through. */
  samples: number;
  buckets: number;
  /** Least-squares slope through the bucket medians, units per hour; null when too short. */
  slopePerHour: number | null;
  /** One-sided 95 % upper confidence bound of that slope. */
  upperPerHour: number | null;
  verdict: 'pass' | 'fail' | 'too short';
  /** Why, in words, for the report. */
  reason: string;
}

/**
 * The window a soak's leak verdict looks at: its last half, after the warm-up. The first part of a long
 * run is where the JIT compiles (docs/scale.md, "Soak": about 1 MB/h of code objects in the first hour,
 * levelling off), which is growth bounded by the program's size, not a leak.
 */
export function leakWindow(startedAt: number, endedAt: number, warmupMs: number): Window {
  return { from: Math.max(startedAt + warmupMs, endedAt - (endedAt - startedAt) / 2), to: endedAt };
}

/** Student's t quantile for a one-sided 95 % bound (Cornish-Fisher expansion; within 0.01 of the table from 3 degrees of freedom). */
export function tQuantile95(df: number): number {
  const z = 1.6448536;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3);
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** The median time and value of each bucket of the window that holds samples. */
export function bucketMedians(samples: readonly Sample[], window: Window, bucketMs = BUCKET_MS): Sample[] {
  const buckets = new Map<number, Sample[]>();
  for (const s of samples) {
    if (s.t < window.from || s.t > window.to) continue;
    const index = Math.min(Math.floor((s.t - window.from) / bucketMs), Math.max(0, Math.ceil((window.to - window.from) / bucketMs) - 1));
    buckets.set(index, [...(buckets.get(index) ?? []), s]);
  }
  return [...buckets.keys()].sort((a, b) => a - b).map((index) => {
    const mine = buckets.get(index)!;
    return { t: median(mine.map((s) => s.t)), value: median(mine.map((s) => s.value)) };
  });
}

const f2 = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

/** The trend of one series over `window`, judged against `boundPerHour` (in the series' units per hour). */
export function leakTrend(samples: readonly Sample[], window: Window, boundPerHour = LEAK_BOUND_MB_PER_HOUR, bucketMs = BUCKET_MS): Trend {
  const inWindow = samples.filter((s) => s.t >= window.from && s.t <= window.to);
  const points = bucketMedians(inWindow, window, bucketMs);
  const base = { samples: inWindow.length, buckets: points.length };
  const span = inWindow.length === 0 ? 0 : Math.max(...inWindow.map((s) => s.t)) - Math.min(...inWindow.map((s) => s.t));
  if (points.length < MIN_BUCKETS || span < MIN_COVERAGE * (window.to - window.from)) {
    const minutes = (window.to - window.from) / 60_000;
    return { ...base, slopePerHour: null, upperPerHour: null, verdict: 'too short', reason: `samples span ${(span / 60_000).toFixed(0)} of the window's ${minutes.toFixed(0)} min in ${points.length} buckets (a verdict needs ${MIN_COVERAGE * 100} % and ${MIN_BUCKETS} buckets)` };
  }
  const { slope, standardError } = leastSquares(points);
  const slopePerHour = slope * HOUR_MS;
  const upperPerHour = slopePerHour + tQuantile95(points.length - 2) * standardError * HOUR_MS;
  // A hair below the bound from floating point is still the bound: a steady 0.5 MB/h must fail.
  const tolerance = 1e-9 * Math.max(1, boundPerHour);
  if (slopePerHour >= boundPerHour - tolerance) return { ...base, slopePerHour, upperPerHour, verdict: 'fail', reason: `rises ${f2(slopePerHour)}/h, at or above the bound of ${boundPerHour}/h` };
  if (upperPerHour >= boundPerHour - tolerance) return { ...base, slopePerHour, upperPerHour, verdict: 'fail', reason: `slope ${f2(slopePerHour)}/h, but too noisy to show it is below ${boundPerHour}/h (95 % upper bound ${f2(upperPerHour)}/h)` };
  return { ...base, slopePerHour, upperPerHour, verdict: 'pass', reason: `slope ${f2(slopePerHour)}/h, 95 % upper bound ${f2(upperPerHour)}/h < ${boundPerHour}/h` };
}
