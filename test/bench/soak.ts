// CLI of the soak: `npm run soak -- --hours 2` (see docs/scale.md, "Soak"). Three daemons of one pool
// under random chaos faults, the overlap checker throughout, each daemon's resources sampled; writes
// the report to docs/soak-report.md. Its headline: the pool's scheduled blocks and chunks missed per
// fault, by fault kind (soak-headline.ts), with the validator key hot swap on. Exit 0 = PASS: 0 overlaps,
// every fault recovered within its bound, fewer missed duties per fault than the target, and the leak
// verdict (a trend with a bound, leak-trend.ts) passed; a smoke run (under an hour) exits 0 when safety
// held and neither the missed duties nor a memory series failed, though it cannot PASS. 1 = not, 2 = the
// harness failed.
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { ALL_FAULTS, parseFaultList } from '../chaos/runner.js';
import { renderSoakReport, soakExitCode } from './soak-report.js';
import { runSoak } from './soak-run.js';

const number = (min: number, max: number, integer = false) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new InvalidArgumentError(`expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return n;
};

const program = new Command('soak')
  .description('Three daemons of one pool under random chaos faults, with the overlap checker and resource sampling')
  .addOption(new Option('--hours <h>', 'how long to inject faults (e.g. 2, or 0.17 for a 10-minute smoke run)').argParser(number(0.01, 168)).default(2))
  .addOption(new Option('--interval-seconds <s>', 'mean time between fault starts').argParser(number(5, 3600)).default(30))
  .addOption(new Option('--sample-seconds <s>', 'resource sampling period').argParser(number(1, 3600)).default(30))
  .addOption(new Option('--seed <n>', 'seed of the fault sequence (default: from the clock)').argParser(number(0, 2 ** 32 - 1, true)))
  // Gray faults restart every daemon with their own flags: not drawn unless asked for (the soak follows long-lived daemons).
  .option('--faults <ids>', `comma-separated fault ids or groups (failover, gray, all) of ${ALL_FAULTS.join(',')}`, 'failover')
  // Due at every other height (a block and a chunk), 200 ms blocks: a gap of 0.2 s misses a duty about half the time.
  .option('--schedule <pattern>', "the pool account's duties from each epoch's first height (NEARD_STANDIN_SCHEDULE pattern: B block, C chunk, X both, a number that many free heights)", 'X1')
  .option('--no-hot-swap', 'run the daemons without --validator-key-hot-swap (a promotion restarts neard)')
  .option('--report <file>', 'markdown report to write', join(REPO_ROOT, 'docs', 'soak-report.md'))
  .option('--no-report', 'do not write the report file')
  .option('--heap-snapshots <dir>', 'write V8 heap snapshots here: the first daemon and guard after the warm-up, all at the end (diff them with dist/test/bench/heap-diff.js)');
program.parse();
const opts = program.opts<{ hours: number; intervalSeconds: number; sampleSeconds: number; seed?: number; faults: string; schedule: string; hotSwap: boolean; report: string | false; heapSnapshots?: string }>();
const { faults, unknown } = parseFaultList(opts.faults);
if (unknown.length > 0) program.error(`--faults: unknown ${unknown.join(', ')}; known: ${ALL_FAULTS.join(', ')}`);
// The pattern's syntax is parseSchedule's (localnet/neard/schedule.ts); without a letter no fault could miss a duty.
if (!/^[BCX0-9]+$/.test(opts.schedule) || !/[BCX]/.test(opts.schedule)) {
  program.error(`--schedule '${opts.schedule}': give B (a block), C (a chunk), X (both) and numbers (that many free heights), with at least one B, C or X; e.g. X1, due at every other height`);
}

const log = (line: string) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
const seed = opts.seed ?? Date.now() % 2 ** 32;
try {
  const summary = await runSoak({
    command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
    hours: opts.hours,
    intervalS: opts.intervalSeconds,
    sampleS: opts.sampleSeconds,
    faults,
    seed,
    schedule: opts.schedule,
    hotSwap: opts.hotSwap,
    ...(opts.heapSnapshots === undefined ? {} : { heapSnapshotsDir: resolve(opts.heapSnapshots) }),
    log,
  });
  const report = renderSoakReport(summary);
  process.stdout.write(`\n${report}`);
  if (opts.report) writeFileSync(opts.report, report);
  process.exit(soakExitCode(summary));
} catch (error) {
  log(`soak failed to run: ${(error as Error).stack ?? String(error)}`);
  process.exit(2);
}
