// The scale benchmark's world: one 3-server Consul cluster and N pools of 2 daemons each. As in the
// chaos world (test/chaos/cluster.ts) every daemon is a validator machine with its own Consul client
// agent, reached through a counting proxy; each pool has its own account (lock key), keys and homes.
// Pools differ from the chaos world in one way: there is no shared validator log, the benchmark
// watches pool 0's lock key only (its handover time), so the stand-ins run without the recorder.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsulClientAgent, startConsulCluster, type ConsulClientAgent, type ConsulCluster } from '../support/consul.js';
import { createNodeHome, createPoolKeys, startKuutamod, type Kuutamod } from '../support/kuutamod.js';
import type { StateView } from '../../src/state-view.js';
import { startCountingProxy, type CountingProxy } from '../chaos/counting-proxy.js';
import { timingFlags, type ChaosTimings } from '../chaos/timings.js';
import { untilValue } from '../support/until.js';

export interface PoolNode {
  name: string;
  agent: ConsulClientAgent;
  proxy: CountingProxy;
  daemon: Kuutamod;
}

export interface Pool {
  account: string;
  /** The pool's Consul lock key, kuutamod-leader/<account>. */
  key: string;
  nodes: PoolNode[];
}

export interface ScaleWorld {
  dir: string;
  consul: ConsulCluster;
  pools: Pool[];
  stop(): Promise<void>;
}

export interface ScaleOptions {
  pools: number;
  timings: ChaosTimings;
  log: (line: string) => void;
}

/** Agents start this many at a time: each start creates and destroys a session to prove it is ready. */
const AGENT_START_BATCH = 5;
/** Blocks at mainnet's pace (~1 s), not the 200 ms of the integration tests: 2N stand-ins share 2 cores. */
const BENCH_NEARD_ENV = { NEARD_STANDIN_BLOCK_MS: '1000' };

export async function startScaleWorld({ pools: count, timings, log }: ScaleOptions): Promise<ScaleWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'kuutamod-scale-'));
  const consul = await startConsulCluster(3);
  log(`consul servers up: ${consul.servers.map((s) => `${s.name} pid ${s.pid}`).join(', ')}`);
  let real: RealPools | null = null;
  const world: ScaleWorld = {
    dir,
    consul,
    pools: [],
    async stop() {
      await real?.stop();
      await consul.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    real = await startRealPools({ consul, dir, count, timings, log, accountOf: (i) => `pool-${i}.test` });
    world.pools = real.pools;
  } catch (error) {
    await world.stop().catch(() => undefined);
    throw error;
  }
  return world;
}

export interface RealPoolsOptions {
  consul: ConsulCluster;
  /** Where the pools' keys and neard homes go (one sub-directory per pool). */
  dir: string;
  count: number;
  timings: ChaosTimings;
  log: (line: string) => void;
  /** The account (lock key) of pool i. */
  accountOf: (i: number) => string;
}

export interface RealPools {
  pools: Pool[];
  /** SIGTERM every daemon (each destroys its session and stops its neard), then the proxies and agents. */
  stop(): Promise<void>;
}

/**
 * `count` pools of 2 real daemons on a running cluster, each daemon with its own client agent behind a
 * counting proxy and its own neard stand-in. On a failure, what was started is stopped again.
 */
export async function startRealPools({ consul, dir, count, timings, log, accountOf }: RealPoolsOptions): Promise<RealPools> {
  const pools: Pool[] = [];
  const agents: ConsulClientAgent[] = [];
  const proxies: CountingProxy[] = [];
  const daemons: Kuutamod[] = [];
  const stop = async () => {
    // SIGTERM all daemons at once: each destroys its session and stops its neard through its guard.
    await Promise.all(daemons.map((daemon) => daemon.stop()));
    for (const proxy of proxies) await proxy.close();
    await Promise.all(agents.map((agent) => agent.stop()));
  };
  try {
    const join_ = consul.servers.map((s) => s.serfLanAddr);
    const names = Array.from({ length: count }, (_, i) => [`p${i}-a`, `p${i}-b`]).flat();
    for (let i = 0; i < names.length; i += AGENT_START_BATCH) {
      const batch = names.slice(i, i + AGENT_START_BATCH);
      agents.push(...(await Promise.all(batch.map((name) => startConsulClientAgent({ join: join_, name: `machine-${name}` })))));
    }
    log(`${agents.length} consul client agents up`);
    for (let i = 0; i < count; i++) {
      const account = accountOf(i);
      const poolDir = join(dir, `p${i}`);
      mkdirSync(poolDir, { recursive: true });
      const keys = createPoolKeys(poolDir);
      const nodes: PoolNode[] = [];
      for (const [j, suffix] of ['a', 'b'].entries()) {
        const name = `p${i}-${suffix}`;
        const agent = agents[2 * i + j]!;
        const target = new URL(agent.url);
        const proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port) });
        proxies.push(proxy);
        const home = await createNodeHome(poolDir, name, keys);
        const daemon = await startKuutamod({
          consulUrl: proxy.url,
          nodeId: name,
          pool: keys,
          node: home,
          env: BENCH_NEARD_ENV,
          // The last --account-id wins over the support default (pool.test): one lock key per pool.
          extraArgs: ['--account-id', account, ...timingFlags(timings)],
        });
        daemons.push(daemon);
        nodes.push({ name, agent, proxy, daemon });
      }
      pools.push({ account, key: `kuutamod-leader/${account}`, nodes });
    }
    log(`${count} pools started (${2 * count} daemons)`);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { pools, stop };
}

export interface PoolRoles {
  leader: PoolNode;
  standby: PoolNode;
  leaderView: StateView;
}

async function viewOf(node: PoolNode): Promise<StateView | null> {
  try {
    return await node.daemon.state();
  } catch {
    return null;
  }
}

/** One daemon Validating with a validator neard and the lock, the other Voting with a voter neard; else null. */
export async function poolRoles(pool: Pool): Promise<PoolRoles | null> {
  const views = await Promise.all(pool.nodes.map(viewOf));
  const leaderAt = views.findIndex((v) => v?.state === 'Validating' && v.neardMode === 'validator' && v.holdsLock && v.neardPid !== null);
  const standbyAt = views.findIndex((v) => v?.state === 'Voting' && v.neardMode === 'voter' && v.neardPid !== null);
  if (leaderAt < 0 || standbyAt < 0 || leaderAt === standbyAt) return null;
  return { leader: pool.nodes[leaderAt]!, standby: pool.nodes[standbyAt]!, leaderView: views[leaderAt]! };
}

/** Wait until every pool has its leader and standby; returns their roles in pool order. */
export async function waitAllPoolsHealthy(pools: Pool[], timeoutMs: number): Promise<PoolRoles[]> {
  let missing = pools.map((p) => p.account);
  return untilValue(
    'every pool with a leader and a standby',
    async () => {
      const roles = await Promise.all(pools.map(poolRoles));
      missing = pools.filter((_, i) => roles[i] === null).map((p) => p.account);
      return missing.length === 0 ? (roles as PoolRoles[]) : undefined;
    },
    { timeoutMs, intervalMs: 500, detail: () => `pools without: ${missing.join(', ')}` },
  );
}
