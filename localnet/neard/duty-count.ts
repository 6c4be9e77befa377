// Which duties of an account were produced, as the chain records them: a block (or chunk) at height h
// counts as produced when some process held the account's validator key at that block's time and what
// it made reached the network, else it is missed. What reaches the network depends on the fault of the
// home the process ran in at that time (fault-timeline.ts):
//   isolated, mute  nothing it makes arrives: every duty missed;
//   flaky           the account's 10th, 20th, 30th... duty height of each epoch is lost (see lostToFlaky);
//   none            all of it arrives.
// A stall makes no heights, so it makes no duties either (stall-clock.ts): it never shows as misses. Pure.
import type { Chain } from './chain.js';
import { NO_FAULTS, type FaultTimeline } from './fault-timeline.js';
import type { NodeFault } from './fault-records.js';
import type { ValidatingPeriod } from './ledger.js';
import type { Schedule } from './schedule.js';

export interface DutyCounts {
  blocksExpected: number;
  blocksProduced: number;
  chunksExpected: number;
  chunksProduced: number;
}

/** A flaky node loses one duty height in this many. */
export const FLAKY_EVERY = 10;

/**
 * Flaky loses the account's duty heights (heights where it has a block, a chunk or both; both are lost
 * together) numbered 9, 19, 29, ... from 0 at each epoch's first height: one in ten, and never two
 * duty heights in a row, so a rule of "N consecutive misses" never fires on it.
 */
export const lostToFlaky = (dutyIndex: number): boolean => dutyIndex % FLAKY_EVERY === FLAKY_EVERY - 1;

function reachesNetwork(fault: NodeFault, dutyIndex: number): boolean {
  if (fault === 'isolated' || fault === 'mute') return false;
  return fault !== 'flaky' || !lostToFlaky(dutyIndex);
}

/** Expected and produced blocks and chunks of an account over heights [from, to]. */
export function countDuties(
  chain: Chain, schedule: Schedule, periods: readonly ValidatingPeriod[], accountId: string, from: number, to: number,
  faults: FaultTimeline = NO_FAULTS,
): DutyCounts {
  const mine = periods.filter((p) => p.accountId === accountId);
  const counts: DutyCounts = { blocksExpected: 0, blocksProduced: 0, chunksExpected: 0, chunksProduced: 0 };
  const stalls = chain.stalls();
  // Duty heights are numbered from the epoch's first height, so counting may start there even when `from` is later.
  let epochStart = chain.epochOf(from).startHeight;
  let dutyIndex = 0;
  for (let h = epochStart; h <= to; h++) {
    const epoch = chain.epochOf(h).startHeight;
    if (epoch !== epochStart) {
      epochStart = epoch;
      dutyIndex = 0;
    }
    const duty = schedule.duty(accountId, h);
    if (!duty.block && !duty.chunk) continue;
    const index = dutyIndex++;
    if (h < from) continue;
    const t = chain.block(h, stalls).timeMs;
    const produced = mine.some((p) => p.startMs <= t && t < p.endMs && reachesNetwork(faults.faultAt(p.home, t), index));
    if (duty.block) {
      counts.blocksExpected++;
      if (produced) counts.blocksProduced++;
    }
    if (duty.chunk) {
      counts.chunksExpected++;
      if (produced) counts.chunksProduced++;
    }
  }
  return counts;
}
