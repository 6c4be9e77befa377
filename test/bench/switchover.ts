// `npm run bench:switchover`: planned switchovers back and forth in a two-node pool, in four variants (hot swap
// or restart, in a window or --now), on a dense schedule: the pool account is due at most heights, so a gap
// placed anywhere but in a window would likely cost a block. Per variant: the gap in which no process produced
// (a restarted neard produces only once synced), missed blocks and chunks, whether every switchover in a window
// stayed in it, and the chance of the result had windows been ignored. Writes docs/switchover-bench.md; exits 1
// when a target is missed (switchover-targets.ts), 2 when the bench itself failed.
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { WINDOW_MARGIN_BLOCKS } from '../../machines/window-rules.js';
import { gitRevision } from '../support/git-revision.js';
import { REPO_ROOT } from '../support/paths.js';
import { renderSwitchoverReport } from './switchover-report.js';
import { VARIANTS, type SwitchoverSettings } from './switchover-result.js';
import { dutyLayoutOf } from './switchover-chance.js';
import { runSwitchoverBench } from './switchover-run.js';
import { judgeTargets } from './switchover-targets.js';
import { windowLengths } from './switchover-windows.js';

const int = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number ${min}..${max}`);
  return n;
};

/**
 * The default duties, per 30 heights (two cycles in a 60-block epoch): a block and a chunk at 18 heights in a
 * row, then a window of 12. At 0.5 s blocks that is 1.2 duties a second, so a gap of 50 ms placed at random
 * would miss one 6 % of the time and a restart's 2 s nearly always; the windows (6 s) hold a restart with a
 * 1 s sync, and the default --minimum-length 10 finds one after the daemon's 3-block margin.
 */
const DEFAULT_SCHEDULE = `${'X'.repeat(18)}12`;

const program = new Command('bench:switchover')
  .description('Planned switchovers (kuutamoctl switchover) on a real Consul with neard stand-ins: gaps, missed duties, windows kept, and the chance of the result without windows')
  .addOption(new Option('--count <n>', 'switchovers per variant').argParser(int(1, 10_000)).default(50))
  .addOption(new Option('--block-ms <ms>', 'stand-in block time').argParser(int(100, 10_000)).default(500))
  .addOption(new Option('--stop-delay-ms <ms>', "stand-in neard's graceful stop time").argParser(int(0, 60_000)).default(500))
  .addOption(new Option('--sync-ms <ms>', "stand-in neard's startup sync: a restarted neard produces nothing for this long after its ports are up").argParser(int(0, 600_000)).default(1000))
  .addOption(new Option('--epoch-length <blocks>', 'stand-in epoch length').argParser(int(10, 100_000)).default(60))
  .option('--schedule <pattern>', "the pool account's duties from each epoch's first height (NEARD_STANDIN_SCHEDULE pattern)", DEFAULT_SCHEDULE)
  .addOption(new Option('--minimum-length <blocks>', 'kuutamoctl switchover --in-window --minimum-length').argParser(int(1, 100_000)).default(10))
  .option('--variants <list>', `comma-separated subset of 1-${VARIANTS.length} (${VARIANTS.map((v, i) => `${i + 1}: ${v.name}`).join('; ')})`, VARIANTS.map((_, i) => i + 1).join(','))
  .option('--keep', "keep each variant's folder (validator log, daemon logs) to check the figures by hand")
  .option('--report <file>', 'markdown report to write', join(REPO_ROOT, 'docs', 'switchover-bench.md'));
program.parse();
const opts = program.opts<SwitchoverSettings & { variants: string; keep?: boolean; report: string }>();

const picked = opts.variants.split(',').map((v) => v.trim());
const variants = picked.map((v) => VARIANTS[Number(v) - 1]);
if (picked.length === 0 || variants.some((v) => v === undefined)) program.error(`--variants ${opts.variants}: give numbers 1-${VARIANTS.length}, comma-separated`);

// Windows must exist: a schedule with none as long as --minimum-length would have every window request refused.
function scheduleWindows(): number[] {
  try {
    return windowLengths(dutyLayoutOf(opts.schedule, opts.epochLength, opts.blockMs));
  } catch (error) {
    return program.error((error as Error).message);
  }
}
const windows = scheduleWindows();
if (variants.some((v) => v?.mode === 'window') && !windows.some((w) => w >= opts.minimumLength)) {
  program.error(`--schedule ${opts.schedule}: its longest maintenance window in an epoch of ${opts.epochLength} blocks is ${Math.max(0, ...windows)} blocks, shorter than --minimum-length ${opts.minimumLength}: every switchover in a window would be refused. Give longer free runs (a number in the pattern) or a smaller --minimum-length (the daemon also needs ${WINDOW_MARGIN_BLOCKS} blocks' notice before a window).`);
}

const log = (line: string) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
const command = `npm run bench:switchover -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, '');
const commit = gitRevision();
const cpu = cpus();
const machine = `${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`;
const settings: SwitchoverSettings = { count: opts.count, blockMs: opts.blockMs, stopDelayMs: opts.stopDelayMs, syncMs: opts.syncMs, epochLength: opts.epochLength, schedule: opts.schedule, minimumLength: opts.minimumLength };
try {
  const result = await runSwitchoverBench({ ...settings, variants: variants.filter((v) => v !== undefined), keep: opts.keep === true, log });
  const report = renderSwitchoverReport(result, { command, commit, machine, options: settings });
  process.stdout.write(`\n${report}`);
  writeFileSync(opts.report, report);
  process.exit(judgeTargets(result).every((v) => v.met) ? 0 : 1);
} catch (error) {
  log(`switchover bench aborted: ${(error as Error).stack ?? String(error)}`);
  process.exit(2);
}
