// What the scale benchmark measures in a running world:
// - idle: Consul requests per second that all daemons send (counted at the proxies in front of their
//   agents: every kuutamod request is a KV or session call that the agent forwards to a server as one
//   RPC, so this is what the servers serve for kuutamod), server and agent CPU, and per role (leader,
//   standby) the RSS, USS and CPU of each daemon and its neard guard, and what the two occupy together.
// - kills: lock handover time in pool 0 after SIGKILL of its leader's neard, while all pools run.
import { setTimeout as sleep } from 'node:timers/promises';
import { stats, type Stats } from '../chaos/checker.js';
import { LockWatcher } from '../chaos/lock-watch.js';
import { nowMs } from '../chaos/proc.js';
import { residentUnionMb } from './page-union.js';
import { cpuSeconds, guardPidOf, memoryOf, nodeTotalMb, type ProcessMemory } from './proc-usage.js';
import { poolRoles, waitAllPoolsHealthy, type Pool, type ScaleWorld } from './scale-world.js';
import { untilValue, WaitTimeoutError } from '../support/until.js';

export interface RoleCost {
  role: 'leader' | 'standby';
  /** Over the pools: RSS at the end of the window, MB. */
  daemonRssMb: Stats;
  guardRssMb: Stats;
  /** Private memory (USS) and memory shared with other processes, MB, at the end of the window. */
  daemonUssMb: Stats;
  guardUssMb: Stats;
  daemonSharedMb: Stats;
  guardSharedMb: Stats;
  /** Proportional share of daemon + guard (PSS), and their USS + the shared pages once (nodeTotalMb). */
  nodePssMb: Stats;
  nodeTotalMb: Stats;
  /** The same measured exactly: distinct physical pages of daemon + guard (pagemap; empty unless root). */
  nodeUnionMb: Stats;
  /** CPU seconds per hour of idle, over the pools. */
  daemonCpuSPerHour: Stats;
  guardCpuSPerHour: Stats;
}

export interface IdleMeasure {
  windowS: number;
  requestsPerSecond: number;
  byKind: Record<string, number>;
  /** Sum of the 3 servers' CPU as % of one core, and each server's. */
  serverCpuPct: number;
  serverCpuPctEach: number[];
  /** Sum of all client agents' CPU, % of one core. */
  agentCpuPct: number;
  roles: RoleCost[];
}

interface Tracked {
  role: 'leader' | 'standby';
  daemonPid: number;
  guardPid: number | null;
  cpu0: { daemon: number | null; guard: number | null };
}

const cpuOf = (pid: number | null) => (pid === null ? null : cpuSeconds(pid));
const sum = (values: Array<number | null>) => values.reduce<number>((a, v) => a + (v ?? 0), 0);

export async function measureIdle(world: ScaleWorld, windowS: number, settleS: number): Promise<IdleMeasure> {
  const roles = await waitAllPoolsHealthy(world.pools, 120_000);
  // Let the just-started loops settle (first renewals, first blocking queries) before counting.
  await sleep(settleS * 1000);
  const tracked: Tracked[] = roles.flatMap((r) =>
    [['leader', r.leader] as const, ['standby', r.standby] as const].map(([role, node]) => {
      const daemonPid = node.daemon.process.pid!;
      const guardPid = guardPidOf(daemonPid);
      return { role, daemonPid, guardPid, cpu0: { daemon: cpuOf(daemonPid), guard: cpuOf(guardPid) } };
    }),
  );
  const servers = world.consul.servers.map((s) => s.pid);
  const agents = world.pools.flatMap((p) => p.nodes.map((n) => n.agent.pid));
  const server0 = servers.map(cpuOf);
  const agent0 = sum(agents.map(cpuOf));
  const from = Date.now();
  await sleep(windowS * 1000);
  const to = Date.now();
  const seconds = (to - from) / 1000;
  const server1 = servers.map(cpuOf);
  const agent1 = sum(agents.map(cpuOf));
  const after = await waitAllPoolsHealthy(world.pools, 5_000);
  if (after.some((r, i) => r.leader !== roles[i]!.leader)) throw new Error('a pool changed leader during the idle window');

  let total = 0;
  const byKind: Record<string, number> = {};
  for (const node of world.pools.flatMap((p) => p.nodes)) {
    const counted = node.proxy.count(from, to);
    total += counted.total;
    for (const [kind, n] of Object.entries(counted.byKind)) byKind[kind] = (byKind[kind] ?? 0) + n;
  }
  const perHour = (before: number | null, pid: number | null) => {
    const now = cpuOf(pid);
    return before === null || now === null ? [] : [((now - before) / seconds) * 3600];
  };
  const memory = new Map(
    tracked.map((t) => [
      t,
      {
        daemon: memoryOf(t.daemonPid),
        guard: t.guardPid === null ? null : memoryOf(t.guardPid),
        union: t.guardPid === null ? null : residentUnionMb([t.daemonPid, t.guardPid]),
      },
    ]),
  );
  const of = (t: Tracked, proc: 'daemon' | 'guard', field: keyof ProcessMemory) => {
    const m = memory.get(t)![proc];
    return m === null ? [] : [m[field]];
  };
  const both = (t: Tracked, f: (daemon: ProcessMemory, guard: ProcessMemory) => number) => {
    const { daemon, guard } = memory.get(t)!;
    return daemon === null || guard === null ? [] : [f(daemon, guard)];
  };
  const costOf = (role: 'leader' | 'standby'): RoleCost => {
    const mine = tracked.filter((t) => t.role === role);
    return {
      role,
      daemonRssMb: stats(mine.flatMap((t) => of(t, 'daemon', 'rssMb'))),
      guardRssMb: stats(mine.flatMap((t) => of(t, 'guard', 'rssMb'))),
      daemonUssMb: stats(mine.flatMap((t) => of(t, 'daemon', 'ussMb'))),
      guardUssMb: stats(mine.flatMap((t) => of(t, 'guard', 'ussMb'))),
      daemonSharedMb: stats(mine.flatMap((t) => of(t, 'daemon', 'sharedMb'))),
      guardSharedMb: stats(mine.flatMap((t) => of(t, 'guard', 'sharedMb'))),
      nodePssMb: stats(mine.flatMap((t) => both(t, (d, g) => d.pssMb + g.pssMb))),
      nodeTotalMb: stats(mine.flatMap((t) => both(t, nodeTotalMb))),
      nodeUnionMb: stats(mine.flatMap((t) => memory.get(t)!.union ?? [])),
      daemonCpuSPerHour: stats(mine.flatMap((t) => perHour(t.cpu0.daemon, t.daemonPid))),
      guardCpuSPerHour: stats(mine.flatMap((t) => perHour(t.cpu0.guard, t.guardPid))),
    };
  };
  const serverCpuPctEach = servers.map((_, i) => (((server1[i] ?? 0) - (server0[i] ?? 0)) / seconds) * 100);
  return {
    windowS: seconds,
    requestsPerSecond: total / seconds,
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, n]) => [k, n / seconds])),
    serverCpuPct: serverCpuPctEach.reduce((a, b) => a + b, 0),
    serverCpuPctEach,
    agentCpuPct: ((agent1 - agent0) / seconds) * 100,
    roles: [costOf('leader'), costOf('standby')],
  };
}

export interface KillMeasure {
  kills: number;
  /** ms from the SIGKILL until Consul's key names the standby's session. */
  handoverMs: Stats;
  /** Kills after which the lock did not move within HANDOVER_TIMEOUT_MS. */
  failed: number;
}

const HANDOVER_TIMEOUT_MS = 30_000;
const HEALTHY_TIMEOUT_MS = 120_000;

/** SIGKILL pool 0's validating neard `kills` times; each time from a healthy pool, watched on the servers. */
export async function measureKills(world: Pick<ScaleWorld, 'consul' | 'pools'>, kills: number, log: (line: string) => void): Promise<KillMeasure> {
  const pool: Pool = world.pools[0]!;
  const lock = new LockWatcher(() => world.consul.servers.filter((s) => s.alive()).map((s) => s.url), pool.key);
  lock.start();
  const handovers: number[] = [];
  let failed = 0;
  try {
    for (let k = 0; k < kills; k++) {
      const { leader, view } = await waitPoolHealthy(pool, lock, HEALTHY_TIMEOUT_MS);
      const t0 = nowMs();
      process.kill(view.neardPid!, 'SIGKILL');
      // Looked for every 5 ms; none seen within the timeout counts as a failed handover.
      const handover = await untilValue('a lock handover', () => {
        const change = lock.handoverAfter(t0, view.sessionId);
        return change && change.t - t0 <= HANDOVER_TIMEOUT_MS ? change.t - t0 : undefined;
      }, { timeoutMs: HANDOVER_TIMEOUT_MS, intervalMs: 5 }).catch((error: unknown) => {
        if (error instanceof WaitTimeoutError) return null;
        throw error;
      });
      if (handover === null) failed++;
      else handovers.push(handover);
      log(`kill ${k + 1}/${kills}: ${leader.name}'s neard ${view.neardPid}: lock handover ${handover === null ? 'none within 30 s' : `${Math.round(handover)} ms`}`);
    }
  } finally {
    await lock.stop();
  }
  return { kills, handoverMs: stats(handovers), failed };
}

/** Healthy roles in the pool and the harness's own view of the key agrees on the leader's session. */
async function waitPoolHealthy(pool: Pool, lock: LockWatcher, timeoutMs: number) {
  return untilValue(
    `${pool.account}: a leader and a standby`,
    async () => {
      const roles = await poolRoles(pool);
      return roles && lock.current() === roles.leaderView.sessionId ? { leader: roles.leader, view: roles.leaderView } : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
