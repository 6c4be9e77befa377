// `npm run bench:gray`: how fast a production move (issue 17) gets a mute or isolated leader's duties produced
// again, with the daemon at its defaults and 1 s blocks, and that a chain stall and a flaky leader move nothing.
// Writes docs/gray-bench.md; exits 1 when a target is missed (gray-report.ts), 2 when the bench itself failed.
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { gitRevision } from '../support/git-revision.js';
import { REPO_ROOT } from '../support/paths.js';
import { judgeTargets, renderGrayReport } from './gray-report.js';
import { FULL_POOL, runGrayBench, SMOKE, type GrayBenchOptions } from './gray-run.js';
import type { MoveFault, NoMoveFault } from './gray-trials.js';

const int = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
  return n;
};
const MOVES: MoveFault[] = ['isolated', 'mute'];
const WINDOWS: NoMoveFault[] = ['stall', 'flaky'];

const program = new Command('bench:gray')
  .description('Gray failures (issue 17) on a real Consul with neard stand-ins: production moves timed, no-move windows checked')
  .addOption(new Option('--trials <n>', 'move trials per fault (isolated, mute)').argParser(int(1, 1000)).default(10))
  .addOption(new Option('--nodes <n>', 'daemons in the pool').argParser(int(2, 3)).default(2))
  .addOption(new Option('--block-ms <ms>', 'stand-in block time').argParser(int(100, 10_000)).default(1000))
  .option('--schedule <pattern>', "the pool account's duties (NEARD_STANDIN_SCHEDULE pattern; default: the genesis, due at every height)")
  .addOption(new Option('--stall-seconds <s>', 'chain stall window').argParser(int(1, 3600)).default(60))
  .addOption(new Option('--stall-after-seconds <s>', 'watched after the stall ends').argParser(int(0, 3600)).default(60))
  .addOption(new Option('--flaky-seconds <s>', 'flaky leader window').argParser(int(1, 7200)).default(600))
  .addOption(new Option('--move-timeout-seconds <s>', 'a move not seen this long after the fault fails its trial').argParser(int(5, 3600)).default(120))
  .option('--only <list>', `comma-separated subset of ${[...MOVES, ...WINDOWS].join(',')}`, [...MOVES, ...WINDOWS].join(','))
  .option('--smoke', 'one short trial of each with fast blocks and short production flags (under a minute; not the bench\'s figures)')
  .option('--keep', "keep each pool's folder (daemon logs, validator log, fault file)")
  .option('--report <file>', 'markdown report to write', join(REPO_ROOT, 'docs', 'gray-bench.md'))
  .option('--no-report', 'do not write the report file');
program.parse();
const opts = program.opts<{ trials: number; nodes: number; blockMs: number; schedule?: string; stallSeconds: number; stallAfterSeconds: number; flakySeconds: number; moveTimeoutSeconds: number; only: string; smoke?: boolean; keep?: boolean; report: string | false }>();
const only = opts.only.split(',').map((x) => x.trim());
const unknown = only.filter((x) => !(MOVES as string[]).includes(x) && !(WINDOWS as string[]).includes(x));
if (unknown.length > 0) program.error(`--only: unknown ${unknown.join(', ')}`);

const log = (line: string) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
const given = (name: string) => program.getOptionValueSource(name) === 'cli';
// The smoke's settings, then any flag given on the command line; else the bench's.
const base = opts.smoke ? SMOKE : { trials: opts.trials, moves: MOVES, windows: WINDOWS, stallMs: opts.stallSeconds * 1000, stallAftermathMs: opts.stallAfterSeconds * 1000, flakyMs: opts.flakySeconds * 1000, moveTimeoutMs: opts.moveTimeoutSeconds * 1000, pool: FULL_POOL };
const options: GrayBenchOptions = {
  ...base,
  ...(given('trials') ? { trials: opts.trials } : {}),
  ...(given('stallSeconds') ? { stallMs: opts.stallSeconds * 1000 } : {}),
  ...(given('stallAfterSeconds') ? { stallAftermathMs: opts.stallAfterSeconds * 1000 } : {}),
  ...(given('flakySeconds') ? { flakyMs: opts.flakySeconds * 1000 } : {}),
  ...(given('moveTimeoutSeconds') ? { moveTimeoutMs: opts.moveTimeoutSeconds * 1000 } : {}),
  moves: base.moves.filter((m) => only.includes(m)),
  windows: base.windows.filter((w) => only.includes(w)),
  pool: {
    ...base.pool,
    ...(given('nodes') ? { nodes: opts.nodes } : {}),
    ...(given('blockMs') ? { blockMs: opts.blockMs } : {}),
    ...(opts.schedule === undefined ? {} : { schedule: opts.schedule }),
    keep: opts.keep === true,
  },
  log,
};

const command = `npm run bench:gray -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, '');
const commit = gitRevision();
const cpu = cpus();
const machine = `${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`;
try {
  const result = await runGrayBench(options);
  const { log: _log, ...reported } = options;
  const report = renderGrayReport(result, { command, commit, machine, options: reported });
  process.stdout.write(`\n${report}`);
  if (opts.report) writeFileSync(opts.report, report);
  process.exit(judgeTargets(result).every((v) => v.met) ? 0 : 1);
} catch (error) {
  log(`gray bench aborted: ${(error as Error).stack ?? String(error)}`);
  process.exit(2);
}
