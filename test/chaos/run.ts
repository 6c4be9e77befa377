// CLI of the fault-injection harness: `npm run chaos -- --trials 20` (see docs/chaos.md).
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { failures, renderReport } from './report.js';
import { ALL_FAULTS, parseFaultList, runChaos } from './runner.js';
import { CHAOS_TIMINGS, DEFAULT_DAEMON_TIMINGS } from './timings.js';
import { createNetns, deleteNetns, deleteStaleNetns, NETNS_ENV, planFromEnv, planNetns } from './netns.js';

const int = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
  return n;
};

const program = new Command('chaos')
  .description('Fault injection on a real 3-server Consul cluster, kuutamod daemons and the neard stand-in')
  .addOption(new Option('--trials <n>', 'trials per fault').argParser(int(1, 1000)).default(3))
  .addOption(new Option('--quick-trials <n>', 'trials of the quick faults (1, 2, 3, 5); default --trials').argParser(int(1, 1000)))
  .addOption(new Option('--daemons <n>', 'daemons (each with its own Consul agent)').argParser(int(2, 3)).default(2))
  .option('--faults <ids>', `comma-separated fault ids or groups (failover, gray, all) of ${ALL_FAULTS.join(',')}`, 'failover')
  .addOption(new Option('--idle-seconds <s>', 'idle window at the chaos timings (0: skip)').argParser(int(0, 3600)).default(60))
  .addOption(new Option('--idle-default-seconds <s>', "idle window at the daemon's default timings (0: skip)").argParser(int(0, 3600)).default(60))
  .addOption(new Option('--partition <how>', 'how fault 6/7 cut an agent off: sigstop, or netns (root, iproute2)').choices(['sigstop', 'netns']).default('sigstop'))
  .addOption(new Option('--timings <which>', "daemon timings of the trials: chaos (TTL 10 s, fast trials) or default (kuutamod's, TTL 30 s)").choices(['chaos', 'default']).default('chaos'))
  .option('--report <file>', 'markdown report to write', join(REPO_ROOT, 'docs', 'chaos-report.md'))
  .option('--no-report', 'do not write the report file');

program.parse();
const opts = program.opts<{
  trials: number;
  quickTrials?: number;
  daemons: number;
  faults: string;
  idleSeconds: number;
  idleDefaultSeconds: number;
  report: string | false;
  partition: 'sigstop' | 'netns';
  timings: 'chaos' | 'default';
}>();
const { faults, unknown } = parseFaultList(opts.faults);
if (unknown.length > 0) program.error(`--faults: unknown ${unknown.join(', ')}; known: ${ALL_FAULTS.join(', ')}`);

if (opts.partition === 'netns' && planFromEnv() === null) await runInsideNetns(opts.daemons);

/** Create the namespaces, run this same command inside the core one, delete them whatever happens. */
async function runInsideNetns(daemons: number): Promise<never> {
  deleteStaleNetns();
  const plan = planNetns(process.pid, daemons);
  process.on('exit', () => deleteNetns(plan));
  try {
    createNetns(plan);
  } catch (error) {
    process.stderr.write(`--partition netns: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const child = spawn('ip', ['netns', 'exec', plan.core, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [NETNS_ENV]: JSON.stringify(plan) },
  });
  // A terminal's Ctrl-C reaches the child too; a signal sent to this pid alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? 130 : 2))));
  process.exit(code);
}

const log = (line: string) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
try {
  const summary = await runChaos({ command, ...opts, faults, log, timings: opts.timings === 'default' ? DEFAULT_DAEMON_TIMINGS : CHAOS_TIMINGS });
  const report = renderReport(summary);
  process.stdout.write(`\n${report}`);
  if (opts.report) writeFileSync(opts.report, report);
  process.exit(failures(summary).length === 0 ? 0 : 1);
} catch (error) {
  log(`chaos run aborted: ${(error as Error).stack ?? String(error)}`);
  process.exit(2);
}
