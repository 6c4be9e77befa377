// docs/switchover-bench.md from a bench's results (pure): settings, one summary row per variant, the chance of
// each variant's result had windows been ignored (switchover-chance.ts), the targets (switchover-targets.ts),
// and every switchover's heights and gap, so a figure can be traced without rerunning.
import { renderFiguresBlock } from '../../scripts/figures/block.js';
import { stats } from '../chaos/checker.js';
import { switchoverFigures } from './report-figures.js';
import { CHANCE_FORMULA, formatChance } from './switchover-chance.js';
import type { DutyLayout, SwitchoverBenchResult, SwitchoverRecord, SwitchoverSettings, VariantResult } from './switchover-result.js';
import { judgeTargets, windowlessChance } from './switchover-targets.js';
import { windowLengths } from './switchover-windows.js';

export interface ReportContext {
  command: string;
  commit: string;
  machine: string;
  options: SwitchoverSettings;
}

const sec = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(2));
const missed = (s: SwitchoverRecord) => s.cost.blocksMissed + s.cost.chunksMissed;

/** Runs of consecutive offsets, as "0-17, 30-47". */
function runs(offsets: readonly number[]): string {
  const parts: string[] = [];
  let first = offsets[0];
  offsets.forEach((o, j) => {
    const next = offsets[j + 1];
    if (next !== o + 1) {
      parts.push(first === o ? `${o}` : `${first}-${o}`);
      first = next;
    }
  });
  return parts.join(', ');
}

function summaryRow(r: VariantResult): string {
  const pick = (f: (s: SwitchoverRecord) => number | null) => stats(r.switchovers.flatMap((s) => { const v = f(s); return v === null ? [] : [v]; }));
  const gap = pick((s) => s.cost.gapMs);
  const key = pick((s) => s.cost.keyGapMs);
  const sum = (f: (s: SwitchoverRecord) => number) => r.switchovers.reduce((n, s) => n + f(s), 0);
  const outside = r.variant.mode === 'window' ? String(r.switchovers.filter((s) => s.windowProblems.length > 0).length) : 'n/a';
  return `| ${r.variant.name} | ${r.switchovers.length}/${r.switchovers.length + r.failures.length} | **${sec(gap.median)} / ${sec(gap.p95)} / ${sec(gap.max)}** | ${sec(key.median)} / ${sec(key.max)} | ${sum((s) => (s.cost.overlap ? 1 : 0))} | ${sum((s) => s.cost.blocksMissed)} | ${sum((s) => s.cost.chunksMissed)} | ${r.switchovers.filter((s) => missed(s) > 0).length} | ${outside} | ${sec(pick((s) => s.commandMs).median)} | ${r.epochEndRetries} | ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)} |`;
}

function chanceRow(name: string, switchovers: readonly SwitchoverRecord[], duties: DutyLayout): string {
  const c = windowlessChance(switchovers, duties);
  return `| ${name} | ${c.n} | ${c.expectedMisses.toFixed(2)} | ${c.observedMisses} | **${formatChance(c.chance)}** |`;
}

function switchoverRow(s: SwitchoverRecord): string {
  const w = s.window === null ? 'now' : `[${s.window.start}, ${s.window.end})`;
  const c = s.cost;
  return `| ${s.index} | ${s.from} -> ${s.to} | ${w} | ${c.stopHeight ?? '-'} | ${c.startHeight ?? '-'} | ${c.producingHeight ?? '-'} | ${c.gapMs?.toFixed(0) ?? '-'} | ${c.keyGapMs?.toFixed(0) ?? '-'} | ${c.blocksMissed} / ${c.chunksMissed} | ${sec(s.commandMs)} | ${[...s.windowProblems, ...(c.overlap ? ['OVERLAP'] : [])].join('; ') || '-'} |`;
}

export function renderSwitchoverReport(result: SwitchoverBenchResult, ctx: ReportContext): string {
  const o = ctx.options;
  const d = result.duties;
  const verdicts = judgeTargets(result);
  const windows = windowLengths(d);
  const inWindows = result.variants.filter((r) => r.variant.mode === 'window');
  const lines = [
    '# Planned switchover benchmark',
    '',
    `Command: \`${ctx.command}\`  `,
    `Commit: ${ctx.commit}  `,
    `Date: ${new Date(result.startedAt).toISOString()} to ${new Date(result.endedAt).toISOString()} (${((result.endedAt - result.startedAt) / 60_000).toFixed(0)} min)  `,
    `Machine: ${ctx.machine} (shared: see the load averages).`,
    '',
    '## Settings',
    '',
    `- Pool: two kuutamod daemons on one real Consul server, stand-in neards sharing one validator log. Daemon timings: the integration tests' (status every 200 ms), members publishing every 500 ms; handover deadline at its default.`,
    `- Chain: blocks every ${o.blockMs} ms, epochs of ${o.epochLength} blocks (${sec(o.epochLength * o.blockMs)} s). Stand-in graceful stop ${o.stopDelayMs} ms, startup sync ${o.syncMs} ms (a restarted neard reports syncing, and produces nothing, for that long after its ports are up; a real neard takes minutes).`,
    `- The pool account's duties: \`NEARD_STANDIN_SCHEDULE=pool.test:${o.schedule}\` from each epoch's first height: a block and a chunk at ${d.offsets.length} of ${d.epochLength} heights (offsets ${runs(d.offsets)}), maintenance windows of ${windows.join(', ')} blocks between (${(d.offsets.length / ((d.epochLength * d.blockMs) / 1000)).toFixed(2)} duties a second).`,
    `- Each switchover: \`kuutamoctl switchover --to <standby> ${'{'}--in-window --minimum-length ${o.minimumLength} | --now${'}'} --wait\` on the leader, once the standby is synced and Voting in Consul, alternating between the two nodes. A window request refused late in an epoch (no window of ${o.minimumLength} blocks left) is asked again at the next epoch's first height, counted, not failed. Command time: the request that went through, including its wait for the window and the new leader's check after its takeover.`,
    '',
    'Definitions (all read from the validator log and the schedule afterwards, by the stand-in\'s ledger rules; test/bench/switchover-measure.ts):',
    '- **Gap**: no process producing for the pool account, from the old neard\'s `validator_stop` (as it lets go of the key: SIGHUP or exit, after its graceful stop) to the moment the new neard can produce: its `validator_start` for a hot swap; with a restart, the end of its startup sync (`<log>.synced`), since a syncing neard holds the key but produces nothing. **Key gap**: `validator_stop` to `validator_start`.',
    '- **Missed**: the account\'s blocks and chunks over the heights the switchover spanned whose block time fell while no process produced. A switchover **missing a duty** missed at least one.',
    '- **Outside window** (window variants): the window of the daemon\'s handover record holds a duty by the schedule, or the old neard stopped, or the new one became able to produce, at a chain height outside it (test/bench/switchover-windows.ts).',
    '',
    '## Summary',
    '',
    '| variant | switchovers completed | **gap s (median / p95 / max)** | key gap s (median / max) | overlaps | blocks missed | chunks missed | switchovers missing a duty | outside window | command s (median) | refused at epoch end | load avg 1 min (start / end) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...result.variants.map(summaryRow),
    '',
    ...result.variants.flatMap((r) => (r.failures.length === 0 ? [] : [`Failures, ${r.variant.name}: ${r.failures.join('; ')}`, ''])),
    '## Chance of this result had windows been ignored',
    '',
    `${CHANCE_FORMULA} Here T = ${sec(d.epochLength * d.blockMs)} s and the Δ_j are the schedule's above; each g_i is a measured gap.`,
    '',
    '| variant | switchovers | misses expected without windows (Σ p(g_i)) | switchovers missing a duty | **chance of that few or fewer without windows** |',
    '|---|---|---|---|---|',
    ...result.variants.map((r) => chanceRow(r.variant.name, r.switchovers, d)),
    ...(inWindows.length > 1 ? [chanceRow('window variants together', inWindows.flatMap((r) => r.switchovers), d)] : []),
    '',
    'For the window variants the chance is the evidence that the windows, not luck, kept the misses away: the smaller, the stronger. The --now variants ignore windows by design, so theirs checks the model: their misses should be near the expected count.',
    '',
    '## Targets',
    '',
    ...verdicts.map((v) => `- ${v.line}`),
    '',
    `Result: **${verdicts.every((v) => v.met) ? 'all targets met' : 'TARGETS MISSED'}** (the bench exits ${verdicts.every((v) => v.met) ? 0 : 1}).`,
    '',
    '## Every switchover',
    '',
    'Heights are the chain head at the moment: the old neard\'s stop, the new one\'s start, and the moment it could produce.',
    '',
  ];
  for (const r of result.variants) {
    lines.push(
      `<details><summary>${r.variant.name}: ${r.switchovers.length} switchovers</summary>`,
      '',
      '| # | from -> to | window | stop height | start height | producing from height | gap ms | key gap ms | blocks / chunks missed | command s | problems |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...r.switchovers.map(switchoverRow),
      '',
      '</details>',
      '',
    );
  }
  // The headline numbers for README (npm run docs:figures).
  lines.push(renderFiguresBlock({ commit: ctx.commit, command: ctx.command, date: new Date(result.startedAt).toISOString(), figures: switchoverFigures(result) }));
  return lines.join('\n');
}
