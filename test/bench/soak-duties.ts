// The pool account's scheduled blocks and chunks in a soak, produced or missed, by the fault whose time
// they fell in: read the way the chain counts them, by the stand-in's own rules (localnet/neard/
// duty-count.ts over its schedule, the shared validator log's periods cut to when each neard could
// produce (producing.ts), and the fault file). Each fault owns the time from its start (its setup
// included) to the next fault's start, so no missed duty of the run goes uncounted: the aftermath of a
// fault is its own. Pure; soak-run.ts reads the files.
import { countDuties } from '../../localnet/neard/duty-count.js';
import type { FaultTimeline } from '../../localnet/neard/fault-timeline.js';
import type { ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { producingPeriods } from '../../localnet/neard/producing.js';
import type { SyncEndRecord } from '../../localnet/neard/validator-log.js';
import type { PoolChain } from './gray-measure.js';

/** One fault of the soak: its id and when the soak began it (before its setup). */
export interface FaultStart {
  fault: string;
  startMs: number;
}

/** The duties whose blocks were made in (fromMs, toMs]. */
export interface SegmentDuties {
  /** null: the time before the first fault (the world healthy, nothing injected). */
  fault: string | null;
  fromMs: number;
  toMs: number;
  blocksExpected: number;
  blocksMissed: number;
  chunksExpected: number;
  chunksMissed: number;
}

/**
 * The run cut at each fault's start: (healthyMs, first start] belongs to no fault, then each fault owns
 * (its start, the next one's start], the last one up to `endMs`. Starts must be in time order.
 */
export function faultSegments(starts: readonly FaultStart[], healthyMs: number, endMs: number): Array<Pick<SegmentDuties, 'fault' | 'fromMs' | 'toMs'>> {
  const cuts = [healthyMs, ...starts.map((s) => s.startMs), endMs];
  for (let i = 1; i < cuts.length; i++) {
    if (cuts[i]! < cuts[i - 1]!) throw new Error(`soak duties: fault starts must be in time order between ${healthyMs} and ${endMs}, got ${cuts.join(', ')}`);
  }
  return cuts.slice(0, -1).map((fromMs, i) => ({ fault: i === 0 ? null : starts[i - 1]!.fault, fromMs, toMs: cuts[i + 1]! }));
}

/** The validator log as read at the end of the soak (switchover-measure.ts readPoolLog). */
export interface SoakLog {
  periods: readonly ValidatingPeriod[];
  syncEnds: readonly SyncEndRecord[];
}

/** Expected and missed blocks and chunks of the pool's account in each segment of the run. */
export function soakDuties(pool: PoolChain, log: SoakLog, faults: FaultTimeline, starts: readonly FaultStart[], healthyMs: number, endMs: number): SegmentDuties[] {
  // A neard restarted by a fault holds the key while it syncs but produces nothing until its sync ends.
  const producing = producingPeriods(log.periods.filter((p) => p.accountId === pool.accountId), log.syncEnds);
  const stalls = faults.stalls();
  return faultSegments(starts, healthyMs, endMs).map((segment) => {
    const from = pool.chain.headHeightAt(segment.fromMs, stalls) + 1;
    const to = pool.chain.headHeightAt(segment.toMs, stalls);
    const c = countDuties(pool.chain, pool.schedule, producing, pool.accountId, from, to, faults);
    return {
      ...segment,
      blocksExpected: c.blocksExpected,
      blocksMissed: c.blocksExpected - c.blocksProduced,
      chunksExpected: c.chunksExpected,
      chunksMissed: c.chunksExpected - c.chunksProduced,
    };
  });
}
