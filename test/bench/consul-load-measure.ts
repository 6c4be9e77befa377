// What the Consul load bench measures in a running world (consul-load-world.ts):
// - establishment: every simulated pool with its leader;
// - one window: the generator's requests and their latency (from its workers), the Consul servers' CPU
//   and memory (/proc), raft commits (the leader's telemetry and commit_index), the generator's, agents'
//   and harness's own CPU, and how busy the machine was.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, MB, peakRssBytes, rssBytes } from './proc-usage.js';
import { expectedLoad } from './consul-load-plan.js';
import { requestFigures, type LoadMeasure, type ProcessFigures } from './consul-load-figures.js';
import type { WorkerSample } from './consul-load-protocol.js';
import { parseTelemetry, summarizeTelemetry, type TelemetryInterval } from './consul-telemetry.js';
import { busyPercent, parseProcStat } from './machine-cpu.js';
import { defaultMemberPublishIntervalMs, LOAD_TIMINGS, type LoadWorld } from './consul-load-world.js';

/** How often the window polls the leader's telemetry (its intervals are 10 s) and the processes' memory. */
const POLL_MS = 4_000;

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** The raft leader's URL and its commit_index, from /v1/agent/self of each live server. */
async function raftLeader(world: LoadWorld): Promise<{ url: string; name: string; commitIndex: number } | null> {
  for (const server of world.consul.servers.filter((s) => s.alive())) {
    try {
      const self = (await getJson(`${server.url}/v1/agent/self`)) as { Stats?: { raft?: { state?: string; commit_index?: string } } };
      const raft = self.Stats?.raft;
      if (raft?.state === 'Leader') return { url: server.url, name: server.name, commitIndex: Number(raft.commit_index) };
    } catch {
      // a server that does not answer now: ask the next one
    }
  }
  return null;
}

const sumOf = <T>(items: readonly T[], f: (item: T) => number) => items.reduce((n, item) => n + f(item), 0);

/** Wait until every simulated pool has exactly one leader; seconds since the generator started, or null after `timeoutMs`. */
export async function waitEstablished(world: LoadWorld, pools: number, timeoutMs: number, log: (line: string) => void): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = 0;
  for (;;) {
    const samples = await world.generator.sample();
    const leaders = sumOf(samples, (s) => s.poolsWithLeader);
    if (leaders === pools) return (Date.now() - world.generatorStartedAt) / 1000;
    if (Date.now() > deadline) return null;
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`establishing: ${sumOf(samples, (s) => s.started)} daemons started, ${leaders} of ${pools} pools with a leader`);
    }
    await sleep(1_000);
  }
}

interface CpuMark {
  name: string;
  pid: number;
  before: number | null;
}

const mark = (name: string, pid: number): CpuMark => ({ name, pid, before: cpuSeconds(pid) });
const mb = (bytes: number | null) => (bytes === null ? null : bytes / MB);

function figuresOf(m: CpuMark, seconds: number): ProcessFigures {
  const after = cpuSeconds(m.pid);
  return {
    name: m.name,
    cpuPct: m.before === null || after === null ? 0 : (100 * (after - m.before)) / seconds,
    rssMb: mb(rssBytes(m.pid)),
    peakRssMb: mb(peakRssBytes(m.pid)),
  };
}

const procStat = () => parseProcStat(readFileSync('/proc/stat', 'utf8'));

export interface WindowOptions {
  pools: number;
  daemonsPerPool: number;
  transport: string;
  windowS: number;
  establishedS: number | null;
}

/** One measurement window of `windowS` seconds over the running world. */
export async function measureWindow(world: LoadWorld, options: WindowOptions): Promise<LoadMeasure> {
  const leader0 = await raftLeader(world);
  world.generator.reset();
  const servers = world.consul.servers.map((s) => mark(s.name, s.pid));
  const agents = world.agents.map((a) => mark(a.name, a.pid));
  const generator = world.generator.pids.map((pid, i) => mark(`worker ${i + 1}`, pid));
  const harness = mark('harness', process.pid);
  const machine0 = procStat();
  const load0 = loadavg()[0]!;
  const from = Date.now();
  const to = from + options.windowS * 1000;
  const telemetry: TelemetryInterval[] = [];
  while (Date.now() < to) {
    await sleep(Math.min(POLL_MS, Math.max(0, to - Date.now())));
    const leader = await raftLeader(world);
    if (leader === null) continue;
    try {
      telemetry.push(parseTelemetry(await getJson(`${leader.url}/v1/agent/metrics`)));
    } catch {
      // a leader that just stepped down: the next poll asks the new one
    }
  }
  const seconds = (Date.now() - from) / 1000;
  const leader1 = await raftLeader(world);
  const machine1 = procStat();
  const samples: WorkerSample[] = await world.generator.sample();
  const serverFigures = servers.map((m) => ({ ...figuresOf(m, seconds), leader: m.name === leader1?.name }));
  const requests = requestFigures(samples, seconds);
  const consulErrors: Record<string, number> = {};
  for (const sample of samples) for (const [op, n] of Object.entries(sample.consulErrors)) consulErrors[op] = (consulErrors[op] ?? 0) + n;
  return {
    pools: options.pools,
    daemonsPerPool: options.daemonsPerPool,
    transport: options.transport,
    windowS: seconds,
    watchWaitMs: LOAD_TIMINGS.lockWatchWaitMs,
    establishedS: options.establishedS,
    daemons: sumOf(samples, (s) => s.daemons),
    started: sumOf(samples, (s) => s.started),
    poolsWithLeader: sumOf(samples, (s) => s.poolsWithLeader),
    poolsWithTwoLeaders: sumOf(samples, (s) => s.poolsWithTwoLeaders),
    requests,
    expected: expectedLoad(options.pools, options.daemonsPerPool, LOAD_TIMINGS, defaultMemberPublishIntervalMs()),
    consulErrors,
    commitIndexPerS: leader0 && leader1 ? (leader1.commitIndex - leader0.commitIndex) / seconds : null,
    telemetry: summarizeTelemetry(telemetry, from, Date.now()),
    leaderChanged: leader0?.name !== leader1?.name,
    servers: serverFigures,
    agents: agents.map((m) => figuresOf(m, seconds)),
    generator: generator.map((m) => figuresOf(m, seconds)),
    generatorLoopP99Ms: Math.max(0, ...samples.map((s) => s.loopDelay.p99Ms)),
    generatorLoopMaxMs: Math.max(0, ...samples.map((s) => s.loopDelay.maxMs)),
    harness: figuresOf(harness, seconds),
    machineBusyPct: busyPercent(machine0, machine1),
    load: [load0, loadavg()[0]!],
  };
}
