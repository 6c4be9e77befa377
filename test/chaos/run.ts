// CLI of the fault-injection harness: `npm run chaos -- --trials 20` (see docs/chaos.md).
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { failures, renderReport } from './report.js';
import { ALL_FAULTS, runChaos } from './runner.js';
import type { FaultId } from './faults.js';

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
  .option('--faults <ids>', `comma-separated subset of ${ALL_FAULTS.join(',')}`, ALL_FAULTS.join(','))
  .addOption(new Option('--idle-seconds <s>', 'idle window at the chaos timings (0: skip)').argParser(int(0, 3600)).default(60))
  .addOption(new Option('--idle-default-seconds <s>', "idle window at the daemon's default timings (0: skip)").argParser(int(0, 3600)).default(60))
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
}>();
const faults = opts.faults.split(',').map((f) => f.trim()) as FaultId[];
const unknown = faults.filter((f) => !ALL_FAULTS.includes(f));
if (unknown.length > 0) program.error(`--faults: unknown ${unknown.join(', ')}; known: ${ALL_FAULTS.join(', ')}`);

const log = (line: string) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
try {
  const summary = await runChaos({ command, ...opts, faults, log });
  const report = renderReport(summary);
  process.stdout.write(`\n${report}`);
  if (opts.report) writeFileSync(opts.report, report);
  process.exit(failures(summary).length === 0 ? 0 : 1);
} catch (error) {
  log(`chaos run aborted: ${(error as Error).stack ?? String(error)}`);
  process.exit(2);
}
