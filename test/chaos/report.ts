// Per-fault summary (trials, overlaps, handover and new-validator times) and idle request rates,
// printed as a markdown table and saved as docs/chaos-report.md.
import { renderFiguresBlock } from '../../scripts/figures/block.js';
import { findOverlaps, stats, type Overlap, type Stats } from './checker.js';
import type { FaultId } from './faults.js';
import { FLAP_LIMIT } from './flaps.js';
import { GRAY_FAULTS, GRAY_SETTINGS_TEXT } from './gray-faults.js';
import type { IdleRate } from './idle.js';
import { chaosFigures } from './report-figures.js';
import type { TrialResult } from './trial.js';

export interface RunSummary {
  command: string;
  /** The commit measured (gitRevision). */
  commit: string;
  date: string;
  timings: string;
  boundMs: number;
  daemons: number;
  partition: 'netns' | 'sigstop';
  trials: TrialResult[];
  overlaps: Overlap[];
  idle: IdleRate[];
  pollGapMs: number;
  /** Largest uncertainty of a death time (killed validators) over all trials. */
  deathUncertaintyMs: number;
  /** boundMs: the fault's own recovery bound, when it is not the run's; boundText: what it is made of. */
  faults: Array<{ id: FaultId; title: string; boundMs?: number; boundText?: string }>;
  /** Faults asked for but not run (a gray fault that needs three daemons, in a run with two). */
  skipped: Array<{ id: FaultId; title: string; reason: string }>;
}

export function overlapsIn(overlaps: Overlap[], trial: TrialResult): Overlap[] {
  return overlaps.filter((o) => o.at >= trial.t0 && o.at <= trial.tEnd);
}

export function failures(summary: RunSummary): string[] {
  const out = summary.overlaps.map(
    (o) => `OVERLAP ${o.ms.toFixed(1)} ms at ${new Date(o.at).toISOString()}: pid ${o.a.pid} [${o.a.start.toFixed(1)}, ${o.a.end?.toFixed(1)} ${o.a.endKind}] and pid ${o.b.pid} [${o.b.start.toFixed(1)}, ${o.b.end?.toFixed(1)} ${o.b.endKind}]`,
  );
  for (const t of summary.trials) for (const p of t.problems) out.push(`${t.fault} #${t.trial + 1}: ${p}`);
  return out;
}

const fmt = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(2));
const cells = (s: Stats) => [fmt(s.min), fmt(s.median), fmt(s.p95), fmt(s.max)].join(' / ');

export function renderReport(summary: RunSummary): string {
  const lines = [
    '# Chaos report',
    '',
    `Command: \`${summary.command}\`  `,
    `Commit: ${summary.commit}  `,
    `Date: ${summary.date}  `,
    `Daemons: ${summary.daemons}, each with its own Consul client agent; 3 Consul servers (1.8.7).  `,
    `Partition (faults 6, 7, 11): ${summary.partition === 'netns' ? "the leader agent's network namespace loses its veth link to the servers' namespace" : "the leader's agent is frozen with SIGSTOP (see docs/chaos.md)"}.  `,
    `Daemon timings: \`${summary.timings}\`  `,
    `Recovery bound (from the fault): ${summary.boundMs / 1000} s = 2 x TTL + 1 s + 4 s neard start.  `,
    `Checker: validator periods from the stand-in's log, pid deaths polled every 3 ms; a killed validator's end is the first poll that saw it dead, at most ${summary.deathUncertaintyMs.toFixed(1)} ms late in this run (largest poll gap during any trial: ${summary.pollGapMs.toFixed(1)} ms).`,
    '',
    '| fault | trials | overlaps | recovered | lock handover s (min / median / p95 / max) | lock free after old neard died s (min / median / p95 / max) | new validator s (min / median / p95 / max) | flapping trials |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const fault of summary.faults) {
    const trials = summary.trials.filter((t) => t.fault === fault.id);
    if (trials.length === 0) continue;
    const overlaps = trials.reduce((n, t) => n + overlapsIn(summary.overlaps, t).length, 0);
    const recovered = trials.filter((t) => t.recovered && t.problems.length === 0).length;
    const handover = stats(trials.flatMap((t) => (t.handoverMs === null ? [] : [t.handoverMs])));
    const freed = stats(trials.flatMap((t) => (t.lockFreeAfterDeathMs === null ? [] : [t.lockFreeAfterDeathMs])));
    const validator = stats(trials.flatMap((t) => (t.newValidatorMs === null ? [] : [t.newValidatorMs])));
    const moved = handover.n < trials.length ? ` (lock moved in ${handover.n})` : '';
    const flapping = trials.filter((t) => t.maxValidatingEntries > FLAP_LIMIT);
    const flaps = flapping.length === 0 ? '0' : `${flapping.length} (up to ${Math.max(...flapping.map((t) => t.maxValidatingEntries))} entries into Validating)`;
    lines.push(`| ${fault.title} | ${trials.length} | ${overlaps} | ${recovered}/${trials.length} | ${cells(handover)}${moved} | ${cells(freed)} | ${cells(validator)} | ${flaps} |`);
  }
  const ownBounds = summary.faults.filter((f) => f.boundMs !== undefined && f.boundMs !== summary.boundMs && summary.trials.some((t) => t.fault === f.id));
  if (ownBounds.length > 0) lines.push('', ...ownBounds.map((f) => `Recovery bound of ${f.title}: ${f.boundMs! / 1000} s (${f.boundText ?? 'its own'}).  `));
  if (summary.trials.some((t) => GRAY_FAULTS.some((g) => g.id === t.fault))) {
    lines.push(
      '',
      `Gray faults (issue 17): the daemons ran with ${GRAY_SETTINGS_TEXT}. A move passes when a production move (a handover record requested by a standby's production check) ended \`done\` and a healthy standby validates; a "nothing may move" fault passes when the leader kept the role (no other neard validated, the lock never moved) and no handover record was written. For those, "new validator" is 0 (the old one never stopped) and "lock moved in 0" is the expected outcome.`,
    );
  }
  for (const s of summary.skipped) lines.push('', `Skipped: ${s.title}: ${s.reason}.`);
  lines.push(`\nOverlaps in total (whole run, also between trials): **${summary.overlaps.length}**.`);
  lines.push(`Flapping = a daemon entered Validating more than ${FLAP_LIMIT} times in one trial (a warning, not a safety failure).`);
  if (summary.idle.length > 0) {
    lines.push('', '## Consul requests per minute while idle (one Validating, the others Voting)', '');
    lines.push('| timings | window s | role | node | requests/min | by request |', '|---|---|---|---|---|---|');
    for (const r of summary.idle) {
      const kinds = Object.entries(r.byKind).map(([k, n]) => `${k}: ${n}`).join(', ');
      lines.push(`| \`${r.timings}\` | ${r.windowS} | ${r.role} | ${r.node} | ${r.perMinute.toFixed(1)} | ${kinds} |`);
    }
  }
  const problems = failures(summary);
  lines.push('', problems.length === 0 ? 'Result: **PASS** (0 overlaps, every trial recovered within the bound).' : `Result: **FAIL**\n\n${problems.map((p) => `- ${p}`).join('\n')}`);
  // The headline numbers for README (npm run docs:figures).
  lines.push('', renderFiguresBlock({ commit: summary.commit, command: summary.command, date: summary.date, figures: chaosFigures(summary) }));
  return lines.join('\n');
}

export function allOverlaps(intervals: Parameters<typeof findOverlaps>[0], now: number): Overlap[] {
  return findOverlaps(intervals, now);
}
