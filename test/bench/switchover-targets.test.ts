/**
 * The switchover bench's targets (test/bench/switchover-targets.ts) and report (switchover-report.ts): each
 * target met and missed on made-up results, the power target failing a run too small to show anything, and
 * the report carrying the settings, the chance table with its formula, the targets and every switchover.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dutyLayoutOf } from './switchover-chance.js';
import type { SwitchoverCost } from './switchover-measure.js';
import { renderSwitchoverReport } from './switchover-report.js';
import { VARIANTS, type SwitchoverRecord, type Variant, type VariantResult } from './switchover-result.js';
import { judgeTargets, windowlessChance } from './switchover-targets.js';

const duties = dutyLayoutOf(`${'X'.repeat(18)}12`, 60, 500);
const [hotWindow, hotNow, restartWindow, restartNow] = VARIANTS as [Variant, Variant, Variant, Variant];

function switchover(index: number, gapMs: number, extra: { missed?: number; problems?: string[]; overlap?: boolean } = {}): SwitchoverRecord {
  const cost: SwitchoverCost = {
    stopMs: 1_000, startMs: 1_000 + gapMs, producingMs: 1_000 + gapMs, stopHeight: 20, startHeight: 20, producingHeight: 21,
    keyGapMs: gapMs, gapMs, overlap: extra.overlap ?? false, blocksMissed: extra.missed ?? 0, chunksMissed: extra.missed ?? 0, fromHeight: 10, toHeight: 40,
  };
  return { index, from: index % 2 ? 'node0' : 'node1', to: index % 2 ? 'node1' : 'node0', cost, window: { start: 19, end: 31 }, windowProblems: extra.problems ?? [], commandMs: 4_000 };
}
const many = (n: number, gapMs: number) => Array.from({ length: n }, (_, i) => switchover(i + 1, gapMs));
const variant = (v: Variant, switchovers: SwitchoverRecord[], failures: string[] = []): VariantResult => ({ variant: v, switchovers, failures, epochEndRetries: 1, load: [1, 2] });
const unmet = (variants: VariantResult[]) => judgeTargets({ variants, duties }).filter((v) => !v.met).map((v) => v.line);

describe('targets', () => {
  test('a good full run meets every target, the power one through the restarts in windows', () => {
    const run = [variant(hotWindow, many(50, 40)), variant(hotNow, many(50, 40)), variant(restartWindow, many(50, 2_000)), variant(restartNow, many(50, 2_000))];
    const verdicts = judgeTargets({ variants: run, duties });
    assert.deepEqual(verdicts.filter((v) => !v.met).map((v) => v.line), []);
    // completion x 4, gap x 2, window x 2, power
    assert.equal(verdicts.length, 9);
    assert.match(verdicts.at(-1)!.line, /^power: .*0 of 100 switchovers missing a duty.*: met \((\d\.\de-\d+)/);
  });

  test('hot swap in a window: a missed duty, or a median gap of 1 s, misses the target', () => {
    const missed = [switchover(1, 40, { missed: 1 }), ...many(49, 40)];
    assert.match(unmet([variant(hotWindow, missed), variant(restartWindow, many(50, 2_000))]).join('\n'), /hot swap, in a window: gap median < 1 s and 0 blocks or chunks missed: MISSED \(median 0\.04 s, 2 missed\)/);
    assert.match(unmet([variant(hotWindow, many(3, 1_000))]).join('\n'), /gap median < 1 s .*MISSED \(median 1\.00 s/);
  });

  test('hot swap --now: one gap of 2 s misses the target', () => {
    assert.deepEqual(unmet([variant(hotNow, [...many(9, 40), switchover(10, 2_000)])]), ['hot swap, --now: every gap < 2 s: MISSED (max 2.00 s)']);
  });

  test('a switchover outside its window, a failure, an overlap: each misses its target', () => {
    const outside = [switchover(1, 2_000, { problems: ['the old neard stopped at height 18, outside window [19, 31)'] }), ...many(49, 2_000)];
    assert.match(unmet([variant(restartWindow, outside)]).join('\n'), /restart, in a window: every old neard stopped .*: MISSED \(1 of 50 outside: #1: the old neard stopped at height 18/);
    assert.match(unmet([variant(restartNow, many(3, 2_000), ['#4: exit 1: refused'])]).join('\n'), /restart, --now: every switchover completed, 0 overlaps: MISSED \(3 of 4 completed, 0 overlaps\)/);
    assert.match(unmet([variant(restartNow, [switchover(1, 2_000, { overlap: true })])]).join('\n'), /MISSED \(1 of 1 completed, 1 overlaps\)/);
  });

  test('power: three hot swaps in a window show nothing, and the run fails for it', () => {
    const lines = unmet([variant(hotWindow, many(3, 40))]);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^power: .*\(0 of 3 switchovers missing a duty\) would have had a chance < 5 %: MISSED \(86\.3 %; 0\.1 misses expected/);
  });

  test('the chance uses the switchovers that missed a duty: P(X <= k)', () => {
    const c = windowlessChance([switchover(1, 2_000, { missed: 1 }), switchover(2, 2_000)], duties);
    assert.equal(c.observedMisses, 1);
    assert.ok(Math.abs(c.expectedMisses - 1.4) < 1e-9);
    assert.ok(Math.abs(c.chance - (1 - 0.7 * 0.7)) < 1e-9);
  });
});

test('the report: settings, summary, chance with its formula, targets, every switchover, failures', () => {
  const variants = [variant(hotWindow, many(2, 40)), variant(restartNow, [switchover(1, 2_000, { missed: 1 })], ['#2: exit 1: refused'])];
  const report = renderSwitchoverReport(
    { variants, duties, startedAt: Date.UTC(2026, 0, 1), endedAt: Date.UTC(2026, 0, 1, 0, 30) },
    { command: 'npm run bench:switchover -- --count 2', commit: 'abc1234', machine: '2 x cpu', options: { count: 2, blockMs: 500, stopDelayMs: 500, syncMs: 1_000, epochLength: 60, schedule: `${'X'.repeat(18)}12`, minimumLength: 10 } },
  );
  assert.match(report, /^# Planned switchover benchmark\n/);
  assert.match(report, /Commit: abc1234/);
  assert.match(report, /a block and a chunk at 36 of 60 heights \(offsets 0-17, 30-47\), maintenance windows of 12, 12 blocks between \(1\.20 duties a second\)/);
  assert.match(report, /\| hot swap, in a window \| 2\/2 \| \*\*0\.04 \/ 0\.04 \/ 0\.04\*\* \|/);
  assert.match(report, /\| restart, --now \| 1\/2 \|.*\| 1 \| 1 \| 1 \| n\/a \|/);
  assert.match(report, /p\(g\) = Σ_j min\(g, Δ_j\) \/ T .* Here T = 30\.00 s/);
  assert.match(report, /\| restart, --now \| 1 \| 0\.70 \| 1 \| \*\*100\.0 %\*\* \|/);
  assert.match(report, /- power: .*MISSED/);
  assert.match(report, /Result: \*\*TARGETS MISSED\*\* \(the bench exits 1\)/);
  assert.match(report, /Failures, restart, --now: #2: exit 1: refused/);
  assert.match(report, /\| 1 \| node0 -> node1 \| \[19, 31\) \| 20 \| 20 \| 21 \| 2000 \| 2000 \| 1 \/ 1 \| 4\.00 \| - \|/);
});
