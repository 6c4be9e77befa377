// What a gray failure cost the pool's account, read the way the chain counts it: the stand-in's own duty
// rules (localnet/neard/duty-count.ts) over its block schedule, the shared validator log's periods and the
// fault file, so "missed" here is what neard's near_validators_*_produced counters say. Pure.
import type { Chain } from '../../localnet/neard/chain.js';
import { countDuties } from '../../localnet/neard/duty-count.js';
import type { FaultTimeline } from '../../localnet/neard/fault-timeline.js';
import type { ValidatingPeriod } from '../../localnet/neard/ledger.js';
import type { Schedule } from '../../localnet/neard/schedule.js';

export interface PoolChain {
  /** Its stalls must come from the same fault file as `faults` below (Chain's constructor). */
  chain: Chain;
  schedule: Schedule;
  accountId: string;
}

/** One height at which the account had a block, a chunk or both to produce. */
export interface Duty {
  height: number;
  /** Wall-clock ms the block was made (later by every stall before it). */
  timeMs: number;
  produced: boolean;
  /** The neard homes whose validating period produced it (one, unless two processes validated at once). */
  byHomes: string[];
}

const producedBy = (pool: PoolChain, periods: readonly ValidatingPeriod[], faults: FaultTimeline, height: number): boolean => {
  const c = countDuties(pool.chain, pool.schedule, periods, pool.accountId, height, height, faults);
  return c.blocksProduced + c.chunksProduced > 0;
};

/** The account's duties whose blocks were made in (fromMs, toMs]: a fault record takes effect just after its time. */
export function dutiesBetween(pool: PoolChain, periods: readonly ValidatingPeriod[], faults: FaultTimeline, fromMs: number, toMs: number): Duty[] {
  const stalls = faults.stalls();
  const homes = [...new Set(periods.map((p) => p.home))];
  const duties: Duty[] = [];
  for (let h = pool.chain.headHeightAt(fromMs, stalls); h <= pool.chain.headHeightAt(toMs, stalls); h++) {
    const duty = pool.schedule.duty(pool.accountId, h);
    const timeMs = pool.chain.block(h, stalls).timeMs;
    if ((!duty.block && !duty.chunk) || timeMs <= fromMs || timeMs > toMs) continue;
    const byHomes = homes.filter((home) => producedBy(pool, periods.filter((p) => p.home === home), faults, h));
    duties.push({ height: h, timeMs, produced: byHomes.length > 0, byHomes });
  }
  return duties;
}

/** A move as the chain saw it: the first duty missed after the fault, and the first one the new home produced after that. */
export interface MoveTiming {
  firstMiss: Duty;
  /** null: the new home produced nothing yet. */
  firstNew: Duty | null;
  /** Duties not produced from the first miss until the new home's first. */
  missed: number;
}

/** From the duties after a fault (dutiesBetween from the fault's time); null while none was missed. */
export function moveTiming(duties: readonly Duty[], newHome: string): MoveTiming | null {
  const missAt = duties.findIndex((d) => !d.produced);
  if (missAt < 0) return null;
  const after = duties.slice(missAt);
  const newAt = after.findIndex((d) => d.byHomes.includes(newHome));
  const upTo = newAt < 0 ? after : after.slice(0, newAt);
  return { firstMiss: after[0]!, firstNew: newAt < 0 ? null : after[newAt]!, missed: upTo.filter((d) => !d.produced).length };
}

/** How many duties a window held, how many were lost, and the longest run of lost ones in a row. */
export function lossSummary(duties: readonly Duty[]): { duties: number; lost: number; longestRun: number } {
  let run = 0;
  let longestRun = 0;
  for (const d of duties) {
    run = d.produced ? 0 : run + 1;
    longestRun = Math.max(longestRun, run);
  }
  return { duties: duties.length, lost: duties.filter((d) => !d.produced).length, longestRun };
}
