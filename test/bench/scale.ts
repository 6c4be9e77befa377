// CLI of the scale benchmark: `npm run bench:scale -- --pools 25,1 --kills 20` (see docs/scale.md).
// For each pool count, a fresh world (3 Consul servers, N pools of 2 daemons with stand-in neards):
// idle costs, then pool 0's lock handover after SIGKILL of its leader's neard, then teardown.
import { Command, InvalidArgumentError, Option } from 'commander';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { killTreeOnInterrupt } from '../chaos/interrupt.js';
import { gitRevision } from '../support/git-revision.js';
import { DEFAULT_DAEMON_TIMINGS, describeTimings } from '../chaos/timings.js';
import { measureIdle, measureKills } from './scale-measure.js';
import { renderScaleReport, type ScaleResult } from './scale-report.js';
import { startScaleWorld, waitAllPoolsHealthy, type ScaleWorld } from './scale-world.js';

const int = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
  return n;
};
const poolList = (value: string) => value.split(',').map((v) => int(1, 500)(v.trim()));

const program = new Command('bench:scale')
  .description('Many pools on one 3-server Consul cluster: idle request rate, server CPU, daemon and guard RSS/CPU, lock handover')
  .addOption(new Option('--pools <list>', 'pool counts to run, one fresh world each (2 daemons per pool)').argParser(poolList).default([25, 1]))
  .addOption(new Option('--kills <n>', "SIGKILLs of pool 0's validating neard per world").argParser(int(1, 1000)).default(20))
  .addOption(new Option('--idle-seconds <s>', 'idle measurement window').argParser(int(10, 3600)).default(60))
  .addOption(new Option('--settle-seconds <s>', 'wait after all pools are healthy, before the idle window').argParser(int(0, 600)).default(15))
  .option('--report <file>', 'also write the markdown results to this file');
program.parse();
const opts = program.opts<{ pools: number[]; kills: number; idleSeconds: number; settleSeconds: number; report?: string }>();

const log = (line: string) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
const timings = DEFAULT_DAEMON_TIMINGS;
// Taken at the start: commits made during the run are not measured.
const commit = gitRevision();
let active: ScaleWorld | null = null;
// Ctrl-C: kill every process of the world and remove its temp dir.
killTreeOnInterrupt(() => active && rmSync(active.dir, { recursive: true, force: true }));

/** Startup of many daemons on a loaded machine is slow: allow 20 s per pool, at least 2 minutes. */
const healthyTimeoutMs = (pools: number) => Math.max(120_000, pools * 20_000);

try {
  const results: ScaleResult[] = [];
  for (const pools of opts.pools) {
    const load0 = loadavg()[0]!;
    log(`--- ${pools} pools ---`);
    active = await startScaleWorld({ pools, timings, log });
    try {
      await waitAllPoolsHealthy(active.pools, healthyTimeoutMs(pools));
      log(`all ${pools} pools healthy; idle window ${opts.idleSeconds} s after ${opts.settleSeconds} s settling`);
      const idle = await measureIdle(active, opts.idleSeconds, opts.settleSeconds);
      log(`idle: ${idle.requestsPerSecond.toFixed(2)} Consul requests/s, servers ${idle.serverCpuPct.toFixed(1)} % of a core`);
      const kills = await measureKills(active, opts.kills, log);
      results.push({ pools, idle, kills, load: [load0, loadavg()[0]!] });
    } finally {
      log('stopping the world');
      await active.stop();
      active = null;
    }
  }
  const report = renderScaleReport({
    command: `npm run bench:scale -- ${process.argv.slice(2).join(' ')}`.trim(),
    commit,
    date: new Date().toISOString(),
    timings: describeTimings(timings).split(' (')[0]!,
    cores: availableParallelism(),
    results,
  });
  process.stdout.write(`\n${report}`);
  if (opts.report) writeFileSync(opts.report, report);
  process.exit(results.some((r) => r.kills.failed > 0) ? 1 : 0);
} catch (error) {
  log(`benchmark aborted: ${(error as Error).stack ?? String(error)}`);
  process.exit(2);
}
