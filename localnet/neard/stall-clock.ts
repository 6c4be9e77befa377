// Chain time under stalls. A halted chain resumes from where it stopped, so a stall shifts every later
// block by the stall's length instead of skipping heights: the chain's clock is the wall clock since
// genesis minus the time spent stalled. Heights are chain time / block interval; no height (and so no
// duty) falls inside a stall.
import type { Interval } from './fault-timeline.js';

/** Chain milliseconds elapsed at wall time `wallMs` since `originMs` (genesis), stalls not counted. */
export function chainElapsedMs(wallMs: number, originMs: number, stalls: readonly Interval[]): number {
  let elapsed = Math.max(0, wallMs - originMs);
  for (const s of stalls) {
    const start = Math.max(s.startMs, originMs);
    const end = Math.min(s.endMs ?? wallMs, wallMs);
    if (end > start) elapsed -= end - start;
  }
  return elapsed;
}

/**
 * The wall time at which the chain's clock reaches `elapsedMs`: Infinity when a stall that still lasts
 * comes first. A moment exactly at a stall's start is before it (the last block before a stall).
 */
export function wallMsAtElapsed(elapsedMs: number, originMs: number, stalls: readonly Interval[]): number {
  let wall = originMs + elapsedMs;
  for (const s of stalls) {
    const start = Math.max(s.startMs, originMs);
    if (start >= wall) break;
    if (s.endMs === null) return Number.POSITIVE_INFINITY;
    if (s.endMs > start) wall += s.endMs - start;
  }
  return wall;
}
