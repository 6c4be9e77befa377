// The chaos report's headline figures for its figures block (scripts/figures/block.ts), from the same
// trial records as its table: per fault the new validator, the lock handover and the lock freed after the
// old neard's death (median, p95, max over all trials); for the run, overlaps and trials recovered; idle
// Consul requests a minute by role. The soak report reuses them.
import { statsFigure, valueFigure, type Figure } from '../../scripts/figures/block.js';
import { stats } from './checker.js';
import type { RunSummary } from './report.js';

const seconds = { unit: 's', digits: 2, of: 'trials', scale: 1 / 1000 };

export function chaosFigures(summary: Pick<RunSummary, 'faults' | 'trials' | 'overlaps' | 'idle'>): Figure[] {
  const figures: Figure[] = [];
  for (const fault of summary.faults) {
    const trials = summary.trials.filter((t) => t.fault === fault.id);
    if (trials.length === 0) continue;
    const of = (pick: (t: (typeof trials)[number]) => number | null) => stats(trials.flatMap((t) => { const v = pick(t); return v === null ? [] : [v]; }));
    const shape = { ...seconds, outOf: trials.length };
    figures.push(
      statsFigure(`${fault.title}: new validator`, of((t) => t.newValidatorMs), shape),
      statsFigure(`${fault.title}: lock handover`, of((t) => t.handoverMs), shape),
      statsFigure(`${fault.title}: lock free after the old neard died`, of((t) => t.lockFreeAfterDeathMs), shape),
    );
  }
  const all = summary.trials.length;
  figures.push(
    valueFigure('overlaps (whole run, also between trials)', summary.overlaps.length, all, 'trials'),
    valueFigure('trials recovered within their bound', summary.trials.filter((t) => t.recovered && t.problems.length === 0).length, all, 'trials'),
  );
  for (const timings of [...new Set(summary.idle.map((r) => r.timings))]) {
    for (const role of ['leader', 'standby'] as const) {
      const rates = summary.idle.filter((r) => r.timings === timings && r.role === role).map((r) => r.perMinute);
      if (rates.length > 0) figures.push(statsFigure(`idle ${role}, Consul requests a minute at \`${timings}\``, stats(rates), { unit: '', digits: 1, of: 'nodes' }));
    }
  }
  return figures;
}
