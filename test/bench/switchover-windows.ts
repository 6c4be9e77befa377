// Did a switchover in a window stay in it? Checked by the bench, not by hand: the window the daemon chose
// (its handover record) must hold no duty of the pool account by the schedule, the old neard must have
// stopped at a height in it, and the new neard must have been producing (started, and synced if it
// restarted) before the window's end, so the first duty after the window was the new neard's. Pure.
import type { MaintenanceWindow } from '../../machines/window-rules.js';
import type { DutyLayout } from './switchover-result.js';

export interface WindowCheckInput {
  /** The window of the handover record; null if the record had none. */
  window: MaintenanceWindow | null;
  /** Chain head when the old neard stopped validating; null if it did not. */
  stopHeight: number | null;
  /** Chain head when the new neard could produce; null if it could not by the end of the switchover. */
  producingHeight: number | null;
}

/** The heights in [from, to) at which the account has a block or a chunk to produce. */
export function dutyHeights(isDue: (height: number) => boolean, from: number, to: number): number[] {
  const heights: number[] = [];
  for (let h = from; h < to; h++) if (isDue(h)) heights.push(h);
  return heights;
}

const range = (w: MaintenanceWindow) => `[${w.start}, ${w.end})`;

/** What went wrong, one line each; [] when the switchover stayed in a duty-free window. */
export function windowProblems(input: WindowCheckInput, isDue: (height: number) => boolean): string[] {
  const { window: w, stopHeight, producingHeight } = input;
  if (w === null) return ['the handover record names no window'];
  const problems: string[] = [];
  const due = dutyHeights(isDue, w.start, w.end);
  if (due.length > 0) problems.push(`window ${range(w)} holds duties at heights ${due.join(', ')}`);
  if (stopHeight === null) problems.push('the old neard never stopped validating');
  else if (stopHeight < w.start || stopHeight >= w.end) problems.push(`the old neard stopped at height ${stopHeight}, outside window ${range(w)}`);
  if (producingHeight === null) problems.push('the new neard never produced (no start, or not synced)');
  else if (producingHeight < w.start || producingHeight >= w.end) problems.push(`the new neard produced from height ${producingHeight}, outside window ${range(w)}`);
  return problems;
}

/** The schedule's maintenance windows round one epoch, in blocks (a window across the epoch's end counts once). */
export function windowLengths(d: DutyLayout): number[] {
  if (d.offsets.length === 0) return [d.epochLength];
  return d.offsets.map((o, j) => (j + 1 < d.offsets.length ? d.offsets[j + 1]! : d.offsets[0]! + d.epochLength) - o - 1).filter((n) => n > 0);
}
