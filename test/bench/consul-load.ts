// CLI of the Consul load bench: `npm run bench:consul-load` (docs/consul-load.md says what it measures).
// Runs the pool counts given, one fresh world each, and writes the markdown report.
import { Command, InvalidArgumentError, Option } from 'commander';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { holderRenewIntervalMs } from '../../services/service-timings.js';
import { killTreeOnInterrupt } from '../chaos/interrupt.js';
import { consulBinary } from '../support/consul.js';
import { gitRevision } from '../support/git-revision.js';
import { REPO_ROOT } from '../support/paths.js';
import { renderConsulLoadReport } from './consul-load-report.js';
import { runConsulLoad, transportOf } from './consul-load-run.js';
import { defaultMemberPublishIntervalMs, LOAD_TIMINGS, type LoadWorld } from './consul-load-world.js';

const int = (flag: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag}: expected a whole number from ${min} to ${max}, got '${value}'`);
  return n;
};
const poolList = (value: string) => value.split(',').map((v) => int('--pools', 1, 5_000)(v.trim()));

const program = new Command('bench:consul-load')
  .description("N pools of simulated daemons (the daemon's own Consul code) on a real 3-server Consul, and one real pool's lock handover under that load")
  .addOption(new Option('--pools <list>', 'pool counts, one fresh world each').argParser(poolList).default([100, 300, 1000]))
  .addOption(new Option('--daemons-per-pool <n>', 'simulated daemons per pool (one leader, the rest standbys)').argParser(int('--daemons-per-pool', 2, 3)).default(2))
  .addOption(new Option('--processes <n>', 'generator worker processes the simulated daemons are spread over').argParser(int('--processes', 1, 16)).default(2))
  .addOption(new Option('--agents <n>', "0: simulated daemons talk to the servers' HTTP APIs; else through this many client agents").argParser(int('--agents', 0, 32)).default(0))
  .addOption(new Option('--ramp-seconds <s>', 'the simulated daemons start spread over this long').argParser(int('--ramp-seconds', 0, 3600)).default(30))
  .addOption(new Option('--warmup-seconds <s>', 'wait after every pool has its leader, before the window').argParser(int('--warmup-seconds', 0, 3600)).default(60))
  .addOption(new Option('--window-seconds <s>', 'measurement window').argParser(int('--window-seconds', 5, 7200)).default(120))
  .addOption(new Option('--kills <n>', "SIGKILLs of the real pool's validating neard after the window (0: none)").argParser(int('--kills', 0, 1000)).default(10))
  .option('--report <file>', 'markdown report to write', join(REPO_ROOT, 'docs', 'consul-load.md'));
program.parse();
const opts = program.opts<{ pools: number[]; daemonsPerPool: number; processes: number; agents: number; rampSeconds: number; warmupSeconds: number; windowSeconds: number; kills: number; report: string }>();

const log = (line: string) => process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
let active: LoadWorld | null = null;
// Ctrl-C: kill every process of the world (workers, daemons, agents, servers) and remove its temp dir.
killTreeOnInterrupt(() => active && rmSync(active.dir, { recursive: true, force: true }));

const s = (ms: number) => `${ms / 1000} s`;
const t = LOAD_TIMINGS;
const timings =
  `kuutamod's defaults (machines/failover-timings.ts, services/service-timings.ts, src/settings.ts): session TTL ${s(t.sessionTtlMs)}, renewal every ` +
  `${s(t.sessionRenewIntervalMs)} (the leader every ${s(holderRenewIntervalMs(t))}, holderRenewIntervalMs), step-down ${s(t.stepDownAfterMs)}, fallback lock poll ` +
  `${s(t.lockAcquireIntervalMs)}, blocking query wait ${s(t.lockWatchWaitMs)}, member publish interval ${s(defaultMemberPublishIntervalMs())}`;
const consulVersion = (() => {
  try {
    return /Consul (v[\d.]+)/.exec(execFileSync(consulBinary(), ['version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

try {
  const commit = gitRevision();
  const results = await runConsulLoad({
    pools: opts.pools,
    daemonsPerPool: opts.daemonsPerPool,
    processes: opts.processes,
    agents: opts.agents,
    rampS: opts.rampSeconds,
    warmupS: opts.warmupSeconds,
    windowS: opts.windowSeconds,
    kills: opts.kills,
    log,
    onWorld: (world) => (active = world),
  });
  const report = renderConsulLoadReport(results, {
    command: `npm run bench:consul-load -- ${process.argv.slice(2).join(' ')}`.trim(),
    commit,
    date: new Date().toISOString(),
    machine: `${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Linux ${release()}`,
    consulVersion,
    daemonsPerPool: opts.daemonsPerPool,
    processes: opts.processes,
    transport: transportOf(opts.agents),
    timings,
    rampS: opts.rampSeconds,
    warmupS: opts.warmupSeconds,
    windowS: opts.windowSeconds,
    kills: opts.kills,
  });
  process.stdout.write(`\n${report}`);
  writeFileSync(opts.report, report);
  log(`report written to ${opts.report}`);
  // A lost handover or two leaders in a pool is a failure; a pool count this machine could not run is a finding.
  const failed = results.some((r) => (r.handover?.failed ?? 0) > 0 || (r.measure?.poolsWithTwoLeaders ?? 0) > 0);
  process.exit(failed ? 1 : 0);
} catch (error) {
  log(`benchmark aborted: ${(error as Error).stack ?? String(error)}`);
  process.exit(2);
}
