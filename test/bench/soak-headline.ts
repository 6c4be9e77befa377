// The soak's headline, what an operator cares about: the pool's scheduled blocks and chunks missed per
// fault, by fault kind, from the counts of soak-duties.ts, judged against a target. Pure.
import type { SegmentDuties } from './soak-duties.js';

/** The goal (issue 20): fewer than this many blocks and chunks missed per fault, for every kind. */
export const MISSED_PER_FAULT_TARGET = 0.05;

export interface HeadlineRow {
  /** A fault id; 'before' for the time before the first fault; 'all' for the whole run. */
  id: string;
  title: string;
  faults: number;
  blocksExpected: number;
  blocksMissed: number;
  chunksExpected: number;
  chunksMissed: number;
  /** Blocks and chunks missed, over `faults`; null when there were none. */
  missedPerFault: number | null;
  /** Below the target; null: not judged (no faults, e.g. the row of the time before the first). */
  met: boolean | null;
}

export interface Headline {
  /** One row per fault kind that ran, in the order of the fault list, then any the list lacks. */
  byFault: HeadlineRow[];
  /** Before the first fault: the world healthy, nothing injected. Its misses count in `all`. */
  before: HeadlineRow;
  /** Every duty of the run over every fault: misses before the first fault included. */
  all: HeadlineRow;
  /**
   * pass: every kind and the whole run below the target. fail: one is not. not judged: no fault ran or
   * the schedule gave the account no duty in the run, so nothing could have been missed.
   */
  verdict: 'pass' | 'fail' | 'not judged';
}

function row(id: string, title: string, segments: readonly SegmentDuties[], faults: number): HeadlineRow {
  const sum = (pick: (s: SegmentDuties) => number) => segments.reduce((n, s) => n + pick(s), 0);
  const blocksMissed = sum((s) => s.blocksMissed);
  const chunksMissed = sum((s) => s.chunksMissed);
  const missedPerFault = faults === 0 ? null : (blocksMissed + chunksMissed) / faults;
  return {
    id,
    title,
    faults,
    blocksExpected: sum((s) => s.blocksExpected),
    blocksMissed,
    chunksExpected: sum((s) => s.chunksExpected),
    chunksMissed,
    missedPerFault,
    met: missedPerFault === null ? null : missedPerFault < MISSED_PER_FAULT_TARGET,
  };
}

export function soakHeadline(segments: readonly SegmentDuties[], faults: ReadonlyArray<{ id: string; title: string }>): Headline {
  const ids = [...new Set(segments.flatMap((s) => (s.fault === null ? [] : [s.fault])))];
  const ordered = [...faults.map((f) => f.id).filter((id) => ids.includes(id)), ...ids.filter((id) => !faults.some((f) => f.id === id))];
  const byFault = ordered.map((id) => {
    const mine = segments.filter((s) => s.fault === id);
    return row(id, faults.find((f) => f.id === id)?.title ?? id, mine, mine.length);
  });
  const before = row('before', 'before the first fault', segments.filter((s) => s.fault === null), 0);
  const all = row('all', 'all faults', segments, segments.filter((s) => s.fault !== null).length);
  let verdict: Headline['verdict'];
  if (all.faults === 0 || all.blocksExpected + all.chunksExpected === 0) verdict = 'not judged';
  else verdict = [...byFault, all].every((r) => r.met === true) ? 'pass' : 'fail';
  return { byFault, before, all, verdict };
}
