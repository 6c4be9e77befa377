// Is a resource flat over a soak? Pure functions over (time, value) samples of one process lifetime:
// drop the warm-up, compare the median of the first and last third, and fit a slope per hour.
// Medians, not single samples, so one garbage-collection peak does not read as a leak. The soak report
// shows these as a description only; its leak verdict is the trend with a bound of leak-trend.ts.
import { stats } from '../chaos/checker.js';

export interface Sample {
  /** Wall clock ms. */
  t: number;
  value: number;
}

export interface Growth {
  /** Samples after the warm-up. */
  n: number;
  firstMedian: number | null;
  lastMedian: number | null;
  /** (last - first) / first, in percent; null with too few samples. */
  changePct: number | null;
  /** Least-squares slope in value units per hour; null with too few samples. */
  slopePerHour: number | null;
  verdict: 'flat' | 'grows' | 'too few samples';
}

/** Fewer samples than this after the warm-up cannot say anything about a trend. */
export const MIN_SAMPLES = 6;
/** More growth than this between the first and last third of the run is reported as growth. */
export const GROWTH_LIMIT_PCT = 10;

/**
 * `slack`: growth up to this much in absolute units is never a leak (a few more fds while a request is
 * in flight, a few MB of heap), however large in percent.
 */
export function growth(samples: readonly Sample[], warmupUntil: number, slack = 0): Growth {
  const kept = samples.filter((s) => s.t >= warmupUntil).sort((a, b) => a.t - b.t);
  const n = kept.length;
  if (n < MIN_SAMPLES) return { n, firstMedian: null, lastMedian: null, changePct: null, slopePerHour: null, verdict: 'too few samples' };
  const third = Math.floor(n / 3);
  const firstMedian = stats(kept.slice(0, third).map((s) => s.value)).median!;
  const lastMedian = stats(kept.slice(n - third).map((s) => s.value)).median!;
  const changePct = firstMedian === 0 ? (lastMedian === 0 ? 0 : 100) : ((lastMedian - firstMedian) / firstMedian) * 100;
  const slopePerHour = leastSquares(kept).slope * 3_600_000;
  return { n, firstMedian, lastMedian, changePct, slopePerHour, verdict: changePct > GROWTH_LIMIT_PCT && lastMedian - firstMedian > slack ? 'grows' : 'flat' };
}

/** Least-squares slope (per ms) of points, and its standard error. */
export function leastSquares(points: readonly Sample[]): { slope: number; standardError: number } {
  const n = points.length;
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanV = points.reduce((a, p) => a + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.t - meanT) ** 2;
    sxy += (p.t - meanT) * (p.value - meanV);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = meanV - slope * meanT;
  const residuals = points.reduce((a, p) => a + (p.value - intercept - slope * p.t) ** 2, 0);
  const standardError = n > 2 && sxx > 0 ? Math.sqrt(residuals / (n - 2) / sxx) : Infinity;
  return { slope, standardError };
}
