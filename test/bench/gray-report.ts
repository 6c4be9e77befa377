// docs/gray-bench.md: what ran (commit, command, machine, settings), every trial, the summary, and issue 17's
// targets judged: a mute or isolated leader's duties produced again by a healthy standby within a median of
// 15 s and at most 30 s of the first missed one; no move in a chain stall or under a flaky leader; no overlap.
import { renderFiguresBlock } from '../../scripts/figures/block.js';
import { stats } from '../chaos/checker.js';
import type { GrayBenchOptions, GrayBenchResult } from './gray-run.js';
import { grayFigures } from './report-figures.js';
import type { MoveFault, MoveResult } from './gray-trials.js';

export const TARGET_MEDIAN_MS = 15_000;
export const TARGET_MAX_MS = 30_000;

export interface TargetVerdict {
  met: boolean;
  line: string;
}

const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(2));

/** Each target, met or not; a move trial that failed (no move seen, a wrong move) misses its fault's targets. */
export function judgeTargets(result: Pick<GrayBenchResult, 'moves' | 'windows'>): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const fault of [...new Set(result.moves.map((m) => m.fault))]) {
    const trials = result.moves.filter((m) => m.fault === fault);
    const latency = stats(trials.flatMap((m) => (m.latencyMs === null ? [] : [m.latencyMs])));
    const failed = trials.filter((m) => m.problems.length > 0).length;
    const median = failed === 0 && (latency.median ?? Infinity) <= TARGET_MEDIAN_MS;
    const max = failed === 0 && (latency.max ?? Infinity) <= TARGET_MAX_MS;
    const note = failed === 0 ? '' : ` (${failed} of ${trials.length} trials failed)`;
    verdicts.push({ met: median, line: `${fault} leader, median <= ${TARGET_MEDIAN_MS / 1000} s: ${median ? 'met' : 'MISSED'} (${s(latency.median)} s${note})` });
    verdicts.push({ met: max, line: `${fault} leader, max <= ${TARGET_MAX_MS / 1000} s: ${max ? 'met' : 'MISSED'} (${s(latency.max)} s${note})` });
  }
  for (const w of result.windows) {
    const met = w.moves === 0 && w.problems.length === 0;
    verdicts.push({ met, line: `${w.fault} for ${s(w.windowMs)} s${w.aftermathMs > 0 ? ` and ${s(w.aftermathMs)} s after` : ''}: 0 moves: ${met ? 'met' : 'MISSED'} (${w.moves} moves${w.problems.length ? `; ${w.problems.join('; ')}` : ''})` });
  }
  const overlaps = [...result.moves, ...result.windows].reduce((n, t) => n + t.overlaps, 0);
  verdicts.push({ met: overlaps === 0, line: `0 overlaps (validator log): ${overlaps === 0 ? 'met' : 'MISSED'} (${overlaps})` });
  return verdicts;
}

export interface ReportContext {
  command: string;
  commit: string;
  machine: string;
  options: Omit<GrayBenchOptions, 'log'>;
}

function moveRow(m: MoveResult): string {
  const miss = m.timing?.firstMiss;
  return `| ${m.fault} | ${m.trial} | ${m.from} -> ${m.to ?? '-'} | #${miss?.height ?? '-'} (+${s(m.missAfterFaultMs)}) | ${s(m.claimMs)} | ${s(m.newStartMs)} | **${s(m.latencyMs)}** (#${m.timing?.firstNew?.height ?? '-'}) | ${m.timing?.missed ?? '-'} | ${m.overlaps} | ${m.problems.join('; ') || '-'} |`;
}

function summaryRow(fault: MoveFault, moves: readonly MoveResult[]): string {
  const trials = moves.filter((m) => m.fault === fault);
  const pick = (f: (m: MoveResult) => number | null | undefined) => stats(trials.flatMap((m) => { const v = f(m); return v === null || v === undefined ? [] : [v]; }));
  const cell = (f: (m: MoveResult) => number | null | undefined, fmt: (v: number | null) => string = s) => { const x = pick(f); return `${fmt(x.median)} / ${fmt(x.p95)} / ${fmt(x.max)}`; };
  const ok = trials.filter((m) => m.problems.length === 0).length;
  return `| ${fault} | ${ok}/${trials.length} | ${cell((m) => m.claimMs)} | ${cell((m) => m.newStartMs)} | **${cell((m) => m.latencyMs)}** | ${cell((m) => m.timing?.missed, (v) => String(v ?? '-'))} |`;
}

export function renderGrayReport(result: GrayBenchResult, ctx: ReportContext): string {
  const { options } = ctx;
  const p = options.pool;
  const verdicts = judgeTargets(result);
  const lines = [
    '# Gray failure benchmark (issue 17)',
    '',
    `Command: \`${ctx.command}\`  `,
    `Commit: ${ctx.commit}  `,
    `Date: ${new Date(result.startedAt).toISOString()} to ${new Date(result.endedAt).toISOString()}  `,
    `Machine: ${ctx.machine}; 1-minute load average ${result.load[0].toFixed(1)} at the start, ${result.load[1].toFixed(1)} at the end (the machine is shared).`,
    '',
    '## Settings',
    '',
    `- Pool: ${p.nodes} kuutamod daemons on one real Consul server (1.8.7), each with a neard stand-in; all stand-ins share one validator log and fault file, so all count the same duties.`,
    `- Blocks every ${p.blockMs} ms. The pool's account's duties: ${p.schedule === null ? "the genesis of the stand-in's `init` (`neard init --account-id`): the account is the chain's only validator, due at every height, block and chunk" : `\`NEARD_STANDIN_SCHEDULE=pool.test:${p.schedule}\``}; epochs of 43,200 blocks (no epoch change during a trial).`,
    `- Daemon flags after the test harness's: \`${p.daemonArgs.join(' ')}\`${p.daemonArgs.some((a) => a.startsWith('--production')) ? '' : ' (the daemon\'s own defaults: no `--production-*` flag, so check every 2 s, 5 misses in a row, stall 15 s, grace 2 min, hold 30 min; members publish every 15 s; no hot swap, so a promotion restarts neard)'}.`,
    `- Stand-in knobs: ${Object.entries(p.standinEnv).map(([k, v]) => `${k}=${v}`).join(', ') || "the test harness's fast ones"}.`,
    `- Fresh state per trial: every trial starts a new pool (new Consul server, so no handover record and no hold; new daemons, so no bench), starts the leader first, then the standbys, and waits until every standby publishes a healthy verdict on the leader (its grace is over). Only then the fault.`,
    `- Moves: \`neard --home <leader> standin-fault isolated|mute\`. Measured from the block time of the first duty after the fault that the chain records as not produced, to the block time of the first duty the new validator produced, both computed from the schedule, the validator log and the fault file with the stand-in's own counting rules (test/bench/gray-measure.ts). Claim: the handover record's requestedAt. New validator: its neard's validator_start. A move not seen within ${options.moveTimeoutMs / 1000} s fails its trial.`,
    `- No-move windows (one fresh pool each): \`neard standin-fault --chain stall\` for ${options.stallMs / 1000} s, then \`run\` and ${options.stallAftermathMs / 1000} s more watched (a standby's own head rate is measured over 20 s, so the stall weighs on its judgement after it ended), and until the standbys judge the leader healthy again; the leader \`flaky\` for ${options.flakyMs / 1000} s. A move = a handover record, the leader leaving Validating, or another neard validating.`,
    '',
    '## Summary',
    '',
    '| fault | trials ok | claim s (median / p95 / max) | new validator started s (median / p95 / max) | **first produced by the new validator s (median / p95 / max)** | duties missed (median / p95 / max) |',
    '|---|---|---|---|---|---|',
    ...[...new Set(result.moves.map((m) => m.fault))].map((f) => summaryRow(f, result.moves)),
    '',
    'All times from the block time of the first missed duty.',
    '',
    '| window | fault s (measured) | watched after s | moves | duties lost / in window (longest run) | judged healthy again s after the stall | overlaps | problems |',
    '|---|---|---|---|---|---|---|---|',
    ...result.windows.map((w) => `| ${w.fault} | ${s(w.windowMs)} | ${w.aftermathMs > 0 ? s(w.aftermathMs) : '-'} | ${w.moves} | ${w.loss.lost} / ${w.loss.duties} (${w.loss.longestRun}) | ${s(w.healthyAgainMs)} | ${w.overlaps} | ${w.problems.join('; ') || '-'} |`),
    '',
    '## Targets',
    '',
    ...verdicts.map((v) => `- ${v.line}`),
    '',
    `Result: **${verdicts.every((v) => v.met) ? 'all targets met' : 'TARGETS MISSED'}**.`,
    '',
    '## Move trials',
    '',
    '| fault | # | leader -> new | first missed duty (after the fault s) | claim s | new validator started s | first produced s (height) | duties missed | overlaps | problems |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...result.moves.map(moveRow),
    '',
    // The headline numbers for README (npm run docs:figures).
    renderFiguresBlock({ commit: ctx.commit, command: ctx.command, date: new Date(result.startedAt).toISOString(), figures: grayFigures(result) }),
  ];
  return lines.join('\n');
}
