// The Consul load bench's world: a real 3-server Consul cluster on loopback, optionally K client agents
// for the simulated daemons, one real pool (2 real daemons, bench:scale's startRealPools) and the load
// generator's worker processes with N simulated pools. Everything started here is stopped by stop().
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { actorTimings, type ActorTimings } from '../../services/service-timings.js';
import { parseDuration } from '../../src/duration.js';
import { EXTRA_OPTIONS, longFlag } from '../../src/settings.js';
import { DEFAULT_DAEMON_TIMINGS } from '../chaos/timings.js';
import { startConsulClientAgent, startConsulCluster, type ConsulClientAgent, type ConsulCluster } from '../support/consul.js';
import { startGenerator, type Generator } from './consul-load-generator.js';
import { simulatedPools } from './consul-load-plan.js';
import { startRealPools, waitAllPoolsHealthy, type Pool, type RealPools } from './scale-world.js';

/** The simulated daemons' timings: the chart's defaults with the services' (what a daemon without timing flags runs). */
export const LOAD_TIMINGS: ActorTimings = actorTimings(DEFAULT_TIMINGS);

/** --member-publish-interval's default, read from the daemon's own option table (src/settings.ts). */
export function defaultMemberPublishIntervalMs(): number {
  const spec = EXTRA_OPTIONS.find((option) => longFlag(option) === '--member-publish-interval');
  if (spec?.default === undefined) throw new Error('src/settings.ts has no default for --member-publish-interval');
  return parseDuration(spec.default);
}

/** Descriptors Consul keeps for itself besides the HTTP connections it is allowed (it refuses to start otherwise). */
const CONSUL_OWN_FDS = 200;

/**
 * Every simulated daemon's connections come from 127.0.0.1, and Consul allows 200 per client address by
 * default (limits.http_max_conns_per_client); a real datacenter sees each daemon's agent from its own
 * address. Raised to what this process's descriptor limit lets a Consul child hold.
 */
export function connectionLimitHcl(): string {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const soft = match?.[1] === 'unlimited' ? 1_048_576 : Number(match?.[1] ?? 1024);
  const conns = soft - CONSUL_OWN_FDS;
  if (conns < 1_000) throw new Error(`the open-file limit is ${soft}: too low for thousands of Consul connections; raise it (ulimit -n 20000) and run again`);
  return `limits { http_max_conns_per_client = ${conns} }`;
}

export interface LoadWorldOptions {
  pools: number;
  daemonsPerPool: number;
  processes: number;
  /** 0: the simulated daemons talk to the servers' HTTP APIs directly; else through this many client agents. */
  agents: number;
  rampMs: number;
  log: (line: string) => void;
}

export interface LoadWorld {
  dir: string;
  consul: ConsulCluster;
  agents: ConsulClientAgent[];
  /** The one real pool (pools[0]), in the shape bench:scale's measureKills takes. */
  pools: Pool[];
  generator: Generator;
  /** When the generator's first daemon was due to start (Date.now()). */
  generatorStartedAt: number;
  stop(): Promise<void>;
}

export async function startLoadWorld(options: LoadWorldOptions): Promise<LoadWorld> {
  const { log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'kuutamod-consul-load-'));
  const hcl = [connectionLimitHcl()];
  let consul: ConsulCluster | null = null;
  const agents: ConsulClientAgent[] = [];
  let real: RealPools | null = null;
  let generator: Generator | null = null;
  const stop = async () => {
    // The generator first: its daemons destroy their sessions while Consul still answers.
    await generator?.stop();
    await real?.stop();
    await Promise.all(agents.map((agent) => agent.stop()));
    await consul?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    consul = await startConsulCluster(3, { hcl });
    log(`consul servers up: ${consul.servers.map((s) => `${s.name} pid ${s.pid}`).join(', ')}`);
    const join_ = consul.servers.map((s) => s.serfLanAddr);
    for (let i = 0; i < options.agents; i++) agents.push(await startConsulClientAgent({ join: join_, name: `load-agent-${i}`, hcl }));
    real = await startRealPools({ consul, dir, count: 1, timings: DEFAULT_DAEMON_TIMINGS, log, accountOf: () => 'real-0.test' });
    await waitAllPoolsHealthy(real.pools, 120_000);
    log('real pool healthy: one daemon validating, one voting');
    const consulUrls = agents.length > 0 ? agents.map((a) => a.url) : consul.servers.map((s) => s.url);
    const generatorStartedAt = Date.now();
    generator = await startGenerator({
      processes: options.processes,
      consulUrls,
      pools: simulatedPools(options.pools, options.daemonsPerPool),
      timings: LOAD_TIMINGS,
      memberPublishIntervalMs: defaultMemberPublishIntervalMs(),
      rampMs: options.rampMs,
    });
    log(`generator up: ${options.pools} pools of ${options.daemonsPerPool} simulated daemons in ${generator.pids.length} process(es) (${generator.pids.join(', ')})`);
    return { dir, consul, agents, pools: real.pools, generator, generatorStartedAt, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
