/**
 * The gray bench's smoke (`npm run bench:gray -- --smoke`, test/bench/gray-run.ts): one isolated and one mute
 * leader moved, a chain stall and a flaky leader moving nothing, each on a fresh pool with fast blocks and short
 * production flags, and every target of the bench met. About a minute; the bench proper (daemon defaults, 1 s
 * blocks, 10 trials each) is `npm run bench:gray` and writes docs/gray-bench.md.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeTargets } from '../bench/gray-report.js';
import { runGrayBench, SMOKE } from '../bench/gray-run.js';

test('gray bench (smoke): gray leaders moved within the targets, a stall and a flaky leader move nothing, 0 overlaps', { timeout: 4 * 60_000 }, async () => {
  const result = await runGrayBench({ ...SMOKE, log: (line) => console.log(line) });
  assert.equal(result.moves.length, 2);
  assert.equal(result.windows.length, 2);
  assert.deepEqual(judgeTargets(result).filter((v) => !v.met).map((v) => v.line), []);
  // The flaky window really lost duties, never two in a row: the no-move check saw a fault.
  const flaky = result.windows.find((w) => w.fault === 'flaky');
  assert.ok(flaky !== undefined && flaky.loss.lost > 0 && flaky.loss.longestRun === 1, JSON.stringify(flaky?.loss));
});
