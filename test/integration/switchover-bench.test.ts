/**
 * The switchover bench's smoke (`npm run bench:switchover`, test/bench/switchover.ts), run as the CLI it is:
 * three restarts in a window with fast blocks on a short dense schedule. A restart is the hard case: the new
 * neard must start and sync (it counts as producing only then) inside a window of 12 blocks. Checks the exit
 * code, the report's shape and that every target was judged and met, the power one included (three restarts
 * with gaps near a second on this schedule would each miss a duty with a chance near 0.8 without windows).
 * Under a minute; the bench proper (50 x 4 variants) is not part of the tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runNodeScript } from '../support/node-script.js';
import { REPO_ROOT } from '../support/paths.js';

const BENCH = join(REPO_ROOT, 'dist', 'test', 'bench', 'switchover.js');
const SMOKE_ARGS = [
  '--variants', '3', '--count', '3',
  // 0.3 s blocks, epochs of 48: duties at 36 heights in a row, then a window of 12 (3.6 s).
  '--block-ms', '300', '--epoch-length', '48', '--schedule', `${'X'.repeat(36)}12`,
  '--stop-delay-ms', '200', '--sync-ms', '300',
];

const runBench = (args: string[]) => runNodeScript(BENCH, args, { cwd: REPO_ROOT });

test('switchover bench (smoke): three restarts in a window, each stopped and synced inside it, targets judged and met', { timeout: 4 * 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchover-smoke-'));
  try {
    const reportFile = join(dir, 'report.md');
    const { code, output } = await runBench([...SMOKE_ARGS, '--report', reportFile]);
    assert.equal(code, 0, `the bench exits 0 when every target is met:\n${output.slice(-4_000)}`);
    const report = readFileSync(reportFile, 'utf8');
    assert.match(report, /^# Planned switchover benchmark\n/);
    assert.match(report, /\| restart, in a window \| 3\/3 \| \*\*\d+\.\d\d \/ \d+\.\d\d \/ \d+\.\d\d\*\* \| [^|]+ \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
    assert.match(report, /## Chance of this result had windows been ignored\n\np\(g\) = Σ_j min\(g, Δ_j\) \/ T/);
    const targets = report.slice(report.indexOf('## Targets'), report.indexOf('## Every switchover'));
    const verdicts = targets.split('\n').filter((line) => line.startsWith('- '));
    // Completion, window check, power: judged, and met.
    assert.deepEqual(verdicts.map((v) => v.replace(/: (met|MISSED) \(.*$/, ': $1')), [
      '- restart, in a window: every switchover completed, 0 overlaps: met',
      '- restart, in a window: every old neard stopped and every new one produced inside a duty-free window the daemon chose: met',
      "- power: had the daemon ignored windows, the window variants' result (0 of 3 switchovers missing a duty) would have had a chance < 5 %: met",
    ]);
    assert.match(report, /Result: \*\*all targets met\*\* \(the bench exits 0\)/);
    // Every switchover's row: its window and the heights of the stop, the start and the first producing moment.
    const rows = report.split('\n').filter((line) => /^\| \d \| node\d -> node\d \| \[\d+, \d+\) \| \d+ \| \d+ \| \d+ \|/.test(line));
    assert.equal(rows.length, 3, report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
