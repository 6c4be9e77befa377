// The soak report's headline figures, computed from the run's own records, never typed: how many
// faults of each kind were injected (the trial records), each node's memory at the start and at the end
// of the run (the samples), and the leak verdict (trends with a bound, leak-trend.ts). Pure functions,
// tested in test/bench/soak-figures.test.ts.
import { leakTrend, type Trend, type Window } from './leak-trend.js';
import type { Sample } from './series.js';
import type { ResourceSample } from './soak-sampler.js';

export interface FaultCount {
  id: string;
  title: string;
  trials: number;
}

/**
 * Trials per fault, in the order of `faults`, then any fault the records name that the list lacks (so
 * none is left out of the total); `total` is the number of trial records, which the rows add up to.
 */
export function faultCounts(trials: ReadonlyArray<{ fault: string }>, faults: ReadonlyArray<{ id: string; title: string }>): { rows: FaultCount[]; total: number } {
  const counts = new Map<string, number>();
  for (const t of trials) counts.set(t.fault, (counts.get(t.fault) ?? 0) + 1);
  const known = faults.filter((f) => counts.has(f.id)).map((f) => ({ id: f.id, title: f.title, trials: counts.get(f.id)! }));
  const unknown = [...counts].filter(([id]) => !faults.some((f) => f.id === id)).map(([id, n]) => ({ id, title: id, trials: n }));
  return { rows: [...known, ...unknown], total: trials.length };
}

/** "232 (1. leader neard SIGKILL: 26, ...)", from the records. */
export function faultCountText(counts: { rows: FaultCount[]; total: number }): string {
  return `${counts.total}${counts.rows.length > 0 ? ` (${counts.rows.map((r) => `${r.title}: ${r.trials}`).join('; ')})` : ''}`;
}

/** The memory series judged for leaks, and where each comes from. */
export const LEAK_SERIES = [
  { name: 'daemon live heap', pick: (s: ResourceSample) => s.daemonHeapAfterGcMb },
  { name: 'daemon USS', pick: (s: ResourceSample) => s.daemonUssMb },
  { name: 'guard USS', pick: (s: ResourceSample) => s.guardUssMb },
] as const;

export interface SeriesTrend {
  node: string;
  daemonPid: number;
  /** The guard process the guard series follows (the one alive at the process's last sample). */
  guardPid: number | null;
  series: (typeof LEAK_SERIES)[number]['name'];
  trend: Trend;
  /** The node's last daemon process in the window: the one PASS needs judged. */
  final: boolean;
}

export interface LeakVerdict {
  window: Window;
  /** Every series of every daemon process alive in the window. */
  trends: SeriesTrend[];
  /**
   * pass: every node's last daemon process was judged on every series, and none failed. fail: a series
   * failed. not judged: no failure, but some node's last process (or one of its series) was too short
   * to judge, e.g. its daemon was restarted by a fault inside the window.
   */
  verdict: 'pass' | 'fail' | 'not judged';
}

function toSeries(samples: readonly ResourceSample[], pick: (s: ResourceSample) => number | null): Sample[] {
  return samples.flatMap((s) => {
    const value = pick(s);
    return value === null ? [] : [{ t: s.t, value }];
  });
}

/** The leak verdict over `window` (leakWindow): a trend with a bound for each series of each daemon process. */
export function leakVerdict(samples: readonly ResourceSample[], window: Window): LeakVerdict {
  const processes = new Map<string, ResourceSample[]>();
  for (const s of samples) {
    if (s.t < window.from || s.t > window.to) continue;
    const key = `${s.node} ${s.daemonPid}`;
    processes.set(key, [...(processes.get(key) ?? []), s]);
  }
  const trends: SeriesTrend[] = [];
  const lastOfNode = new Map<string, string>();
  for (const [key, mine] of processes) {
    const last = mine[mine.length - 1]!;
    const previous = lastOfNode.get(last.node);
    if (previous === undefined || processes.get(previous)!.at(-1)!.t < last.t) lastOfNode.set(last.node, key);
    for (const series of LEAK_SERIES) {
      // A guard forked again is a new process: follow the one alive at the end.
      const own = series.name === 'guard USS' ? mine.filter((s) => s.guardPid === last.guardPid) : mine;
      trends.push({ node: last.node, daemonPid: last.daemonPid, guardPid: last.guardPid, series: series.name, trend: leakTrend(toSeries(own, series.pick), window), final: false });
    }
  }
  const finals = new Set(lastOfNode.values());
  for (const t of trends) t.final = finals.has(`${t.node} ${t.daemonPid}`);
  const judged = trends.filter((t) => t.final);
  let verdict: LeakVerdict['verdict'];
  if (trends.some((t) => t.trend.verdict === 'fail')) verdict = 'fail';
  else if (judged.length === 0 || judged.some((t) => t.trend.verdict !== 'pass')) verdict = 'not judged';
  else verdict = 'pass';
  return { window, trends, verdict };
}

export interface MemoryAt {
  node: string;
  daemonPid: number;
  /** Samples the medians are over, and how long this daemon process had been sampled by then, minutes. */
  samples: number;
  sampledMin: number;
  daemonUssMb: number | null;
  daemonPssMb: number | null;
  guardUssMb: number | null;
  guardPssMb: number | null;
  nodeTotalMb: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * A node's memory in `window` (the first or the last minutes of the run): medians over the samples of
 * the daemon process alive at the window's last sample, so one collection's peak does not set it.
 */
export function memoryAt(samples: readonly ResourceSample[], node: string, window: Window): MemoryAt | null {
  const mine = samples.filter((s) => s.node === node && s.t >= window.from && s.t <= window.to);
  if (mine.length === 0) return null;
  const pid = mine.reduce((a, b) => (b.t >= a.t ? b : a)).daemonPid;
  const own = mine.filter((s) => s.daemonPid === pid);
  const firstSeen = Math.min(...samples.filter((s) => s.node === node && s.daemonPid === pid).map((s) => s.t));
  const pick = (f: (s: ResourceSample) => number | null) => median(own.flatMap((s) => (f(s) === null ? [] : [f(s)!])));
  return {
    node,
    daemonPid: pid,
    samples: own.length,
    sampledMin: (Math.max(...own.map((s) => s.t)) - firstSeen) / 60_000,
    daemonUssMb: pick((s) => s.daemonUssMb),
    daemonPssMb: pick((s) => s.daemonPssMb),
    guardUssMb: pick((s) => s.guardUssMb),
    guardPssMb: pick((s) => s.guardPssMb),
    nodeTotalMb: pick((s) => s.nodeTotalMb),
  };
}
