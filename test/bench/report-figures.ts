// The bench reports' headline figures for their figures blocks (scripts/figures/block.ts), from the same
// results as their tables: switchover gaps and misses per variant, gray-failure move latencies, the scale
// bench's handover and Consul load per pool count, and the soak's missed duties per fault, takeovers, leak
// bounds and end memory.
import { statsFigure, valueFigure, type Figure } from '../../scripts/figures/block.js';
import { stats } from '../chaos/checker.js';
import { chaosFigures } from '../chaos/report-figures.js';
import type { RunSummary } from '../chaos/report.js';
import type { GrayBenchResult } from './gray-run.js';
import { LEAK_BOUND_MB_PER_HOUR } from './leak-trend.js';
import type { ScaleResult } from './scale-report.js';
import { LEAK_SERIES, type LeakVerdict, type MemoryAt } from './soak-figures.js';
import { MISSED_PER_FAULT_TARGET, type Headline } from './soak-headline.js';
import type { SwitchoverBenchResult } from './switchover-result.js';

const present = <T>(items: readonly T[], pick: (item: T) => number | null | undefined) =>
  stats(items.flatMap((item) => { const v = pick(item); return v === null || v === undefined ? [] : [v]; }));

export function switchoverFigures(result: Pick<SwitchoverBenchResult, 'variants'>): Figure[] {
  const figures: Figure[] = [];
  for (const r of result.variants) {
    const name = r.variant.name;
    const done = r.switchovers.length;
    figures.push(
      statsFigure(`${name}: gap`, present(r.switchovers, (s) => s.cost.gapMs), { unit: 's', digits: 2, of: 'switchovers', scale: 1 / 1000, outOf: done + r.failures.length }),
      valueFigure(`${name}: blocks and chunks missed`, r.switchovers.reduce((n, s) => n + s.cost.blocksMissed + s.cost.chunksMissed, 0), done, 'switchovers'),
    );
    if (r.variant.mode === 'window') figures.push(valueFigure(`${name}: switchovers outside their window`, r.switchovers.filter((s) => s.windowProblems.length > 0).length, done, 'switchovers'));
  }
  const all = result.variants.flatMap((r) => r.switchovers);
  figures.push(valueFigure('overlaps', all.filter((s) => s.cost.overlap).length, all.length, 'switchovers'));
  return figures;
}

export function grayFigures(result: Pick<GrayBenchResult, 'moves' | 'windows'>): Figure[] {
  const figures: Figure[] = [];
  for (const fault of [...new Set(result.moves.map((m) => m.fault))]) {
    const trials = result.moves.filter((m) => m.fault === fault);
    figures.push(
      statsFigure(`${fault} leader: first duty produced by the new validator, from the first missed one`, present(trials, (m) => m.latencyMs), { unit: 's', digits: 2, of: 'trials', scale: 1 / 1000, outOf: trials.length }),
      statsFigure(`${fault} leader: duties missed`, present(trials, (m) => m.timing?.missed), { unit: '', digits: 0, of: 'trials', outOf: trials.length }),
    );
  }
  for (const fault of [...new Set(result.windows.map((w) => w.fault))]) {
    const windows = result.windows.filter((w) => w.fault === fault);
    figures.push(valueFigure(`${fault}: moves (nothing may move)`, windows.reduce((n, w) => n + w.moves, 0), windows.length, 'windows'));
  }
  const trials = [...result.moves, ...result.windows];
  figures.push(valueFigure('overlaps', trials.reduce((n, t) => n + t.overlaps, 0), trials.length, 'trials'));
  return figures;
}

export function scaleFigures(results: readonly ScaleResult[]): Figure[] {
  return results.flatMap((r) => [
    statsFigure(`N = ${r.pools} pools: lock handover after a leader neard SIGKILL`, r.kills.handoverMs, { unit: 'ms', digits: 0, of: 'kills', outOf: r.kills.kills }),
    valueFigure(`N = ${r.pools} pools: idle Consul requests a second per pool`, r.idle.requestsPerSecond / r.pools, r.pools, 'pools', '', 3),
    valueFigure(`N = ${r.pools} pools: Consul servers CPU, % of one core (sum of 3)`, r.idle.serverCpuPct, r.pools, 'pools', '', 1),
  ]);
}

/** Its headline first: blocks and chunks missed per fault over the run, then per fault kind. */
function headlineFigures(headline: Headline | null): Figure[] {
  // No fault ran: nothing to show (a value over 0 faults would read as a figure).
  if (headline === null || headline.all.missedPerFault === null) return [];
  return [
    valueFigure(`blocks and chunks missed per fault, all faults (target under ${MISSED_PER_FAULT_TARGET})`, headline.all.missedPerFault, headline.all.faults, 'faults', '', 3),
    ...headline.byFault.map((r) => valueFigure(`${r.title}: blocks and chunks missed per fault`, r.missedPerFault ?? 0, r.faults, 'faults', '', 3)),
  ];
}

/** The soak's: its missed duties per fault, its chaos figures, each leak series' 95 % upper slope bound over the nodes' last daemons, and the memory at the end. */
export function soakFigures(chaos: RunSummary, headline: Headline | null, leak: LeakVerdict, memoryAtEnd: ReadonlyArray<MemoryAt | null>): Figure[] {
  const finals = leak.trends.filter((t) => t.final);
  const leakFigures = LEAK_SERIES.map((series) => {
    const mine = finals.filter((t) => t.series === series.name);
    return statsFigure(`leak: ${series.name} slope, 95 % upper bound (bound ${LEAK_BOUND_MB_PER_HOUR})`, present(mine, (t) => t.trend.upperPerHour), { unit: 'MB/h', digits: 2, of: 'nodes', outOf: mine.length });
  });
  const ends = memoryAtEnd.filter((m): m is MemoryAt => m !== null);
  return [
    ...headlineFigures(headline),
    ...chaosFigures(chaos),
    ...leakFigures,
    valueFigure(`leak: series failing the ${LEAK_BOUND_MB_PER_HOUR} MB/h bound`, leak.trends.filter((t) => t.trend.verdict === 'fail').length, leak.trends.length, 'series'),
    statsFigure('node total memory at the end (daemon USS + guard USS + shared once)', present(ends, (m) => m.nodeTotalMb), { unit: 'MB', digits: 1, of: 'nodes' }),
  ];
}
