/**
 * Every report script ends its report with a figures block (scripts/figures/block.ts) that README's figures
 * are copied from: rendered here from made-up results, read back, and checked against the same numbers the
 * report's tables show (median, p95, max over all trials; counts over all of them; commit and command).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFiguresBlock, type Figure, type FiguresBlock } from '../../scripts/figures/block.js';
import { stats, type Stats } from '../chaos/checker.js';
import { renderReport, type RunSummary } from '../chaos/report.js';
import type { TrialResult } from '../chaos/trial.js';
import { renderGrayReport } from './gray-report.js';
import type { MoveResult, NoMoveResult } from './gray-trials.js';
import { renderScaleReport, type ScaleResult } from './scale-report.js';
import type { RoleCost } from './scale-measure.js';
import { dutyLayoutOf } from './switchover-chance.js';
import { renderSoakReport } from './soak-report.js';
import type { SoakSummary } from './soak-run.js';
import type { ResourceSample } from './soak-sampler.js';
import { renderSwitchoverReport } from './switchover-report.js';
import { VARIANTS, type SwitchoverRecord, type VariantResult } from './switchover-result.js';

const blockOf = (report: string): FiguresBlock => {
  const block = parseFiguresBlock(report, 'report.md');
  assert.ok(block !== null, 'the report has a figures block');
  assert.ok(report.endsWith('-->\n'), 'the block closes the report');
  return block;
};
const figure = (block: FiguresBlock, name: string): Figure => {
  const found = block.figures.find((f) => f.name === name);
  assert.ok(found, `figure "${name}" in ${block.figures.map((f) => f.name).join(' / ')}`);
  return found;
};
const strip = (f: Figure) => ('median' in f ? [f.median, f.p95, f.max, f.n, f.outOf] : [f.value, f.n, f.of]);

const FAULTS: RunSummary['faults'] = [
  { id: 'neard-kill', title: '1. leader neard SIGKILL' },
  { id: 'consul-leader-kill', title: '5. Consul raft leader server SIGKILL, restart' },
];

function trial(fault: TrialResult['fault'], i: number, ms: number, moved = true): TrialResult {
  return {
    fault, trial: i, detail: '', t0: i * 1000, tEnd: i * 1000 + 500, oldNode: 'node-a', oldNeardPid: 1, handoverMs: moved ? ms : null, newValidatorMs: moved ? ms + 300 : 0,
    oldDeathMs: 10, lockFreeAfterDeathMs: moved ? ms - 10 : null, recovered: true, pollGapMs: 5, deathUncertaintyMs: 3, maxValidatingEntries: 1, problems: [],
  };
}

/** Fault 1: 20 trials, handover 30..220 ms; fault 5: the lock moved in 2 of 20. */
const TRIALS = [
  ...Array.from({ length: 20 }, (_, i) => trial('neard-kill', i, 30 + 10 * i)),
  ...Array.from({ length: 20 }, (_, i) => trial('consul-leader-kill', 20 + i, 3_500 + i, i >= 18)),
];

function chaosSummary(trials = TRIALS): RunSummary {
  return {
    command: 'npm run chaos -- --trials 20', commit: 'abc1234', date: '2026-12-09T10:00:00.000Z', timings: '--session-ttl 10s', boundMs: 25_000, daemons: 2, partition: 'netns',
    trials, overlaps: [], pollGapMs: 5, deathUncertaintyMs: 3, faults: FAULTS, skipped: [],
    idle: [
      { timings: '--session-ttl 30s', windowS: 60, role: 'leader', node: 'node-a', perMinute: 8.02, byKind: {} },
      { timings: '--session-ttl 30s', windowS: 60, role: 'standby', node: 'node-b', perMinute: 6.5, byKind: {} },
    ],
  };
}

describe('chaos report', () => {
  const report = renderReport(chaosSummary());
  const block = blockOf(report);

  test('commit, command and date of the run', () => {
    assert.deepEqual([block.commit, block.command, block.date], ['abc1234', 'npm run chaos -- --trials 20', '2026-12-09T10:00:00.000Z']);
  });

  test("per fault, in seconds, as the report's table shows them; a lock that moved in 2 of 20 says so", () => {
    assert.match(report, /\| 1\. leader neard SIGKILL \| 20 \| 0 \| 20\/20 \| 0\.03 \/ 0\.12 \/ 0\.21 \/ 0\.22 \|/);
    assert.deepEqual(strip(figure(block, '1. leader neard SIGKILL: lock handover')), [0.12, 0.21, 0.22, 20, undefined]);
    assert.deepEqual(strip(figure(block, '1. leader neard SIGKILL: new validator')), [0.42, 0.51, 0.52, 20, undefined]);
    assert.deepEqual(strip(figure(block, '1. leader neard SIGKILL: lock free after the old neard died')), [0.11, 0.2, 0.21, 20, undefined]);
    assert.deepEqual(strip(figure(block, '5. Consul raft leader server SIGKILL, restart: lock handover')), [3.518, 3.519, 3.519, 2, 20]);
    assert.deepEqual(strip(figure(block, '5. Consul raft leader server SIGKILL, restart: new validator')), [0, 3.818, 3.819, 20, undefined]);
  });

  test('overlaps, recoveries and idle requests over the whole run', () => {
    assert.deepEqual(strip(figure(block, 'overlaps (whole run, also between trials)')), [0, 40, 'trials']);
    assert.deepEqual(strip(figure(block, 'trials recovered within their bound')), [40, 40, 'trials']);
    const failed = blockOf(renderReport(chaosSummary(TRIALS.map((t, i) => (i === 3 ? { ...t, problems: ['not recovered'] } : t)))));
    assert.deepEqual(strip(figure(failed, 'trials recovered within their bound')), [39, 40, 'trials']);
    assert.deepEqual(strip(figure(block, 'idle leader, Consul requests a minute at `--session-ttl 30s`')), [8.02, 8.02, 8.02, 1, undefined]);
  });
});

describe('switchover bench report', () => {
  const duties = dutyLayoutOf(`${'X'.repeat(18)}12`, 60, 500);
  const switchover = (index: number, gapMs: number, missed = 0, problems: string[] = []): SwitchoverRecord => ({
    index, from: 'node0', to: 'node1', window: { start: 19, end: 31 }, windowProblems: problems, commandMs: 4_000,
    cost: { stopMs: 1_000, startMs: 1_000 + gapMs, producingMs: 1_000 + gapMs, stopHeight: 20, startHeight: 20, producingHeight: 21, keyGapMs: gapMs, gapMs, overlap: false, blocksMissed: missed, chunksMissed: missed, fromHeight: 10, toHeight: 40 },
  });
  const variant = (i: number, switchovers: SwitchoverRecord[], failures: string[] = []): VariantResult => ({ variant: VARIANTS[i]!, switchovers, failures, epochEndRetries: 0, load: [1, 1] });
  const result = {
    variants: [
      variant(0, Array.from({ length: 50 }, (_, i) => switchover(i + 1, 20 + i))),
      variant(3, [switchover(1, 2_000, 1), switchover(2, 2_100)], ['#3: exit 1']),
      variant(2, [switchover(1, 1_900, 0, ['the old neard stopped at height 18, outside window [19, 31)'])]),
    ],
    duties, startedAt: Date.parse('2026-12-09T10:00:00.000Z'), endedAt: Date.parse('2026-12-09T11:00:00.000Z'),
  };
  const block = blockOf(renderSwitchoverReport(result, { command: 'npm run bench:switchover -- --count 50', commit: 'abc1234', machine: 'm', options: { count: 50, blockMs: 500, stopDelayMs: 500, syncMs: 1000, epochLength: 60, schedule: `${'X'.repeat(18)}12`, minimumLength: 10 } }));

  test('per variant: the gap over its switchovers (out of those asked for), misses, switchovers outside their window', () => {
    assert.deepEqual([block.commit, block.command, block.date], ['abc1234', 'npm run bench:switchover -- --count 50', '2026-12-09T10:00:00.000Z']);
    assert.deepEqual(strip(figure(block, 'hot swap, in a window: gap')), [0.044, 0.067, 0.069, 50, undefined]);
    assert.deepEqual(strip(figure(block, 'hot swap, in a window: blocks and chunks missed')), [0, 50, 'switchovers']);
    assert.deepEqual(strip(figure(block, 'hot swap, in a window: switchovers outside their window')), [0, 50, 'switchovers']);
    assert.deepEqual(strip(figure(block, 'restart, --now: gap')), [2, 2.1, 2.1, 2, 3]);
    assert.deepEqual(strip(figure(block, 'restart, --now: blocks and chunks missed')), [2, 2, 'switchovers']);
    assert.equal(block.figures.some((f) => f.name === 'restart, --now: switchovers outside their window'), false, '--now has no window');
    assert.deepEqual(strip(figure(block, 'restart, in a window: switchovers outside their window')), [1, 1, 'switchovers']);
    assert.deepEqual(strip(figure(block, 'overlaps')), [0, 53, 'switchovers']);
  });
});

describe('gray bench report', () => {
  const move = (fault: MoveResult['fault'], trial: number, latencyMs: number, missed: number): MoveResult => ({
    fault, trial, from: 'node-a', to: 'node-b', missAfterFaultMs: 500, claimMs: latencyMs - 2_000, newStartMs: latencyMs - 1_000, latencyMs, record: 'done', overlaps: 0, problems: [],
    timing: { firstMiss: { height: 10, produced: false }, firstNew: { height: 20, produced: true }, missed } as unknown as MoveResult['timing'],
  });
  const window = (fault: NoMoveResult['fault'], moves: number): NoMoveResult => ({ fault, windowMs: 30_000, aftermathMs: 0, loss: { duties: 30, lost: 3, longestRun: 1 }, healthyAgainMs: null, moves, overlaps: 0, problems: [] });
  const result = { moves: [move('mute', 1, 9_000, 9), move('mute', 2, 11_000, 11), move('isolated', 1, 12_000, 12)], windows: [window('stall', 0), window('flaky', 1)], startedAt: Date.parse('2026-12-09T10:00:00.000Z'), endedAt: Date.parse('2026-12-09T10:30:00.000Z'), load: [1, 1] as [number, number] };
  const options = { trials: 2, moves: ['mute', 'isolated'] as const, windows: ['stall', 'flaky'] as const, stallMs: 20_000, stallAftermathMs: 60_000, flakyMs: 30_000, moveTimeoutMs: 60_000, pool: { nodes: 3, blockMs: 1000, schedule: null, daemonArgs: [], standinEnv: {}, readyTimeoutMs: 60_000, keep: false } };
  const block = blockOf(renderGrayReport(result, { command: 'npm run bench:gray', commit: 'abc1234', machine: 'm', options }));

  test('move latency and missed duties per fault, moves in the no-move windows, overlaps', () => {
    assert.deepEqual(strip(figure(block, 'mute leader: first duty produced by the new validator, from the first missed one')), [9, 11, 11, 2, undefined]);
    assert.deepEqual(strip(figure(block, 'isolated leader: duties missed')), [12, 12, 12, 1, undefined]);
    assert.deepEqual(strip(figure(block, 'flaky: moves (nothing may move)')), [1, 1, 'windows']);
    assert.deepEqual(strip(figure(block, 'overlaps')), [0, 5, 'trials']);
  });
});

describe('scale bench report', () => {
  const s = (v: number): Stats => stats([v]);
  const role = (r: RoleCost['role']): RoleCost => ({ role: r, daemonRssMb: s(80), guardRssMb: s(50), daemonUssMb: s(40), guardUssMb: s(20), daemonSharedMb: s(30), guardSharedMb: s(20), nodePssMb: s(90), nodeTotalMb: s(100), nodeUnionMb: s(100), daemonCpuSPerHour: s(10), guardCpuSPerHour: s(1) });
  const result = (pools: number, handover: number[]): ScaleResult => ({
    pools, load: [1, 1], kills: { kills: handover.length + 1, handoverMs: stats(handover), failed: 1 },
    idle: { windowS: 60, requestsPerSecond: pools * 0.4, byKind: {}, serverCpuPct: 12.5, serverCpuPctEach: [4, 4, 4.5], agentCpuPct: 3, roles: [role('leader'), role('standby')] },
  });
  const report = renderScaleReport({ command: 'npm run bench:scale -- --pools 25,1', commit: 'abc1234', date: '2026-12-09T10:00:00.000Z', timings: '--session-ttl 30s', cores: 2, results: [result(25, [40, 50, 60]), result(1, [30])] });
  const block = blockOf(report);

  test('per pool count: lock handover over the kills, Consul requests a second per pool, server CPU; the commit in the report too', () => {
    assert.match(report, /^Commit: abc1234 {2}$/m);
    assert.deepEqual(strip(figure(block, 'N = 25 pools: lock handover after a leader neard SIGKILL')), [50, 60, 60, 3, 4]);
    assert.deepEqual(strip(figure(block, 'N = 25 pools: idle Consul requests a second per pool')), [0.4, 25, 'pools']);
    assert.deepEqual(strip(figure(block, 'N = 1 pools: Consul servers CPU, % of one core (sum of 3)')), [12.5, 1, 'pools']);
  });
});

describe('soak report', () => {
  const HOUR = 3_600_000;
  const samples: ResourceSample[] = [];
  for (let t = 0; t <= 2 * HOUR; t += 30_000) {
    for (const [i, node] of ['node-a', 'node-b', 'node-c'].entries()) {
      samples.push({
        t, node, daemonPid: 1000 + i, daemonRssMb: 90, daemonFds: 27, daemonCpuS: 1, guardPid: 2000 + i, guardRssMb: 50, eventLoopP99Ms: 15, eventLoopMaxMs: 20,
        daemonHeapAfterGcMb: 18 + (i === 2 ? t / HOUR : 0) + ((t / 30_000) % 2) * 0.1, daemonHeapCommittedMb: 30, daemonUssMb: 60 + ((t / 30_000) % 3) * 0.1, daemonPssMb: 70,
        guardUssMb: 30 + ((t / 30_000) % 2) * 0.1, guardPssMb: 38, nodeTotalMb: 120 + 5 * i,
      });
    }
  }
  const chaos = chaosSummary();
  // 20 faults of each kind; one neard SIGKILL cost a block and a chunk (2 / 20 = 0.1 per fault: over the target).
  const segment = (fault: string | null, missed = 0) => ({ fault, fromMs: 0, toMs: 1, blocksExpected: 75, blocksMissed: missed, chunksExpected: 75, chunksMissed: missed });
  const segments = [segment(null), segment('neard-kill', 1), ...Array.from({ length: 19 }, () => segment('neard-kill')), ...Array.from({ length: 20 }, () => segment('consul-leader-kill'))];
  const summary: SoakSummary = {
    options: { command: 'npm run soak -- --hours 2', hours: 2, intervalS: 30, sampleS: 30, faults: ['neard-kill', 'consul-leader-kill'], seed: 1, schedule: 'X1', hotSwap: true },
    startedAt: 0, endedAt: 2 * HOUR, chaos: { ...chaos, command: 'npm run soak -- --hours 2' }, samples, duties: { blockMs: 200, segments }, aborted: null,
  };
  const report = renderSoakReport(summary);
  const block = blockOf(report);

  test('the headline comes first: missed blocks and chunks per fault by kind, judged against the target, and in the figures', () => {
    const firstSection = report.split('\n').find((line) => line.startsWith('## '));
    assert.equal(firstSection, '## Headline: scheduled blocks and chunks missed per fault');
    assert.match(report, /schedule `X1` .*200 ms blocks\), with the validator key hot swap on/);
    assert.match(report, /\| 1\. leader neard SIGKILL \| 20 \| 1 \/ 1500 \| 1 \/ 1500 \| 0\.100 \| \*\*MISSED\*\* \|/);
    assert.match(report, /\| 5\. Consul raft leader server SIGKILL, restart \| 20 \| 0 \/ 1500 \| 0 \/ 1500 \| 0\.000 \| met \|/);
    assert.match(report, /\| \*\*all faults\*\* .*\| 40 \| 1 \/ 3075 \| 1 \/ 3075 \| 0\.050 \| \*\*MISSED\*\* \|/);
    assert.match(report, /Missed duties per fault: \*\*FAIL\*\*/);
    assert.match(report, /Result: \*\*FAIL\*\*: .*missed duties per fault FAIL/);
    assert.deepEqual(strip(figure(block, 'blocks and chunks missed per fault, all faults (target under 0.05)')), [0.05, 40, 'faults']);
    assert.deepEqual(strip(figure(block, '1. leader neard SIGKILL: blocks and chunks missed per fault')), [0.1, 20, 'faults']);
    assert.equal(block.figures[0]!.name, 'blocks and chunks missed per fault, all faults (target under 0.05)');
  });

  test("one block, the soak's: the chaos table's block is left out, its figures are in the soak's", () => {
    assert.equal(report.match(/<!-- figures/g)?.length, 1);
    assert.deepEqual([block.commit, block.command, block.date], ['abc1234', 'npm run soak -- --hours 2', '1970-01-01T00:00:00.000Z']);
    assert.deepEqual(strip(figure(block, '1. leader neard SIGKILL: lock handover')), [0.12, 0.21, 0.22, 20, undefined]);
  });

  test("leak bounds over the nodes' last daemons, failing series counted; node total memory at the end", () => {
    const heap = figure(block, 'leak: daemon live heap slope, 95 % upper bound (bound 0.5)');
    assert.ok(heap.kind === 'stats' && heap.n === 3 && heap.max! > 0.9, JSON.stringify(heap));
    assert.deepEqual(strip(figure(block, 'leak: series failing the 0.5 MB/h bound')), [1, 9, 'series']);
    assert.deepEqual(strip(figure(block, 'node total memory at the end (daemon USS + guard USS + shared once)')), [125, 130, 130, 3, undefined]);
  });
});
