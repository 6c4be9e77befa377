// The fault records read as time lines: which fault a home had at a wall-clock time, when it was
// isolated, and when the chain stood still. Pure: the file is read elsewhere (fault-file.ts).
// A record takes effect just after its t_ms: a block at exactly t_ms was made before the change
// (the frozen head of an isolated node, or the last block before a stall, includes it).
import { isChainRecord, type FaultRecord, type NodeFault, type NodeFaultRecord } from './fault-records.js';

/** Wall-clock milliseconds [startMs, endMs); endMs null while it lasts. */
export interface Interval {
  startMs: number;
  endMs: number | null;
}

export class FaultTimeline {
  private readonly byHome = new Map<string, NodeFaultRecord[]>();
  private readonly stallIntervals: Interval[] = [];

  /** `records` in time order (parseFaultRecords). */
  constructor(records: readonly FaultRecord[] = []) {
    let stallStart: number | null = null;
    for (const r of records) {
      if (isChainRecord(r)) {
        if (r.chain === 'stall' && stallStart === null) stallStart = r.t_ms;
        if (r.chain === 'run' && stallStart !== null) {
          this.stallIntervals.push({ startMs: stallStart, endMs: r.t_ms });
          stallStart = null;
        }
      } else {
        const list = this.byHome.get(r.home) ?? [];
        list.push(r);
        this.byHome.set(r.home, list);
      }
    }
    if (stallStart !== null) this.stallIntervals.push({ startMs: stallStart, endMs: null });
  }

  /** The home's fault just after wall-clock time `tMs` would be decided by records before it: the last with t_ms < tMs. */
  faultAt(home: string, tMs: number): NodeFault {
    let fault: NodeFault = 'none';
    for (const r of this.byHome.get(home) ?? []) {
      if (r.t_ms >= tMs) break;
      fault = r.fault;
    }
    return fault;
  }

  /** The periods in which the home had `fault`, in time order. */
  periods(home: string, fault: NodeFault): Interval[] {
    const out: Interval[] = [];
    let open: number | null = null;
    for (const r of this.byHome.get(home) ?? []) {
      if (r.fault === fault && open === null) open = r.t_ms;
      else if (r.fault !== fault && open !== null) {
        out.push({ startMs: open, endMs: r.t_ms });
        open = null;
      }
    }
    if (open !== null) out.push({ startMs: open, endMs: null });
    return out;
  }

  /** The chain's stalls, in time order; the last one may still last. */
  stalls(): readonly Interval[] {
    return this.stallIntervals;
  }

  /** Whether the chain stands still at `tMs` (by the same rule as faultAt: from just after the stall record). */
  stalledAt(tMs: number): boolean {
    return this.stallIntervals.some((s) => s.startMs < tMs && (s.endMs === null || tMs <= s.endMs));
  }

  /** Homes with a fault other than `none` at `tMs`, and whether the chain stands still then. */
  active(tMs: number): { homes: Array<{ home: string; fault: NodeFault }>; stalled: boolean } {
    const homes = [...this.byHome.keys()].map((home) => ({ home, fault: this.faultAt(home, tMs) })).filter((h) => h.fault !== 'none');
    return { homes, stalled: this.stalledAt(tMs) };
  }
}

export const NO_FAULTS = new FaultTimeline();
