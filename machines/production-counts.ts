/**
 * Missed blocks as the chain counts them (issue 17, signal b), pure: from successive readings of the
 * `validators` RPC counts for the pool's account, taken by one standby on its own neard, how many expected
 * blocks (or chunks) in a row the validator has provably not produced. A cut-off leader cannot see its own
 * misses, so the readings are always a healthy standby's. The verdict that uses this: production-rules.ts.
 */

/** One reading of the chain's counts for the pool's account, on an observer's neard at local time `at`. */
export interface CountsReading {
  /** Local ms (the same clock as the verdict's `now`) when the observer read it. */
  at: number;
  epochStartHeight: number;
  /** nearcore's epoch_height; null when the answer had none (then the start height alone tells epochs apart). */
  epochHeight: number | null;
  expectedBlocks: number;
  producedBlocks: number;
  expectedChunks: number;
  producedChunks: number;
}

export type DutyKind = 'blocks' | 'chunks';

/** A run of misses of one kind that ends at the latest reading. */
export interface MissRun {
  kind: DutyKind;
  /** Expected and not produced, in a row (a lower bound: never more than the chain really missed). */
  missed: number;
  /** Local ms of the reading after which the run began (how long it has been going on: now - since). */
  since: number;
}

/** What one observer's readings say: a run (maybe of 0), or nothing to compare since the counts restarted. */
export type MissCount = { kind: 'run'; blocks: MissRun; chunks: MissRun } | { kind: 'reset' } | { kind: 'none' };

const sameEpoch = (a: CountsReading, b: CountsReading): boolean =>
  a.epochStartHeight === b.epochStartHeight && a.epochHeight === b.epochHeight;

/**
 * Counts restart between two readings: a new epoch (nearcore counts per epoch), or any count going down
 * (a neard restart or a node that answers from another view). The count of misses starts again after it.
 */
export function isReset(before: CountsReading, after: CountsReading): boolean {
  return (
    !sameEpoch(before, after) ||
    after.expectedBlocks < before.expectedBlocks ||
    after.producedBlocks < before.producedBlocks ||
    after.expectedChunks < before.expectedChunks ||
    after.producedChunks < before.producedChunks
  );
}

const pick = (r: CountsReading, kind: DutyKind): { expected: number; produced: number } =>
  kind === 'blocks' ? { expected: r.expectedBlocks, produced: r.producedBlocks } : { expected: r.expectedChunks, produced: r.producedChunks };

/**
 * The trailing run of one kind over readings that share an epoch (oldest first, at least two). Between two
 * readings only totals are known, not their order: an interval with any production ends the run (the
 * produced ones may have come last), an interval with none adds all its expected ones. So the run is a
 * lower bound of the true consecutive misses, and sporadic misses between productions never add up.
 */
function trailingRun(readings: readonly CountsReading[], kind: DutyKind): MissRun {
  let missed = 0;
  let since = readings[readings.length - 1]!.at;
  for (let i = readings.length - 1; i > 0; i--) {
    const after = pick(readings[i]!, kind);
    const before = pick(readings[i - 1]!, kind);
    if (after.produced > before.produced) break;
    missed += after.expected - before.expected;
    since = readings[i - 1]!.at;
  }
  return { kind, missed, since: missed === 0 ? readings[readings.length - 1]!.at : since };
}

/**
 * The misses one observer's readings show, counting only readings taken at or after `from` (the end of the
 * grace after the leader started: earlier misses are the handover's, not the leader's). `readings` are
 * oldest first. 'reset': the latest reading starts new counts (nothing after it to compare yet);
 * 'none': fewer than two readings to compare.
 */
export function missCount(readings: readonly CountsReading[], from: number): MissCount {
  const usable = readings.filter((r) => r.at >= from);
  if (usable.length < 2) return { kind: 'none' };
  // Only the readings since the last reset compare: the counts restart there.
  let first = usable.length - 1;
  while (first > 0 && !isReset(usable[first - 1]!, usable[first]!)) first--;
  const run = usable.slice(first);
  if (run.length < 2) return { kind: 'reset' };
  return { kind: 'run', blocks: trailingRun(run, 'blocks'), chunks: trailingRun(run, 'chunks') };
}
