// Consul requests per minute of an idle leader and an idle standby, counted at the proxies between
// each daemon and its own agent over a window with one Validating and the others Voting.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosWorld } from './cluster.js';
import { waitHealthy } from './health.js';
import { describeTimings, type ChaosTimings } from './timings.js';

export interface IdleRate {
  timings: string;
  windowS: number;
  role: 'leader' | 'standby';
  node: string;
  perMinute: number;
  byKind: Record<string, number>;
}

export async function measureIdle(world: ChaosWorld, timings: ChaosTimings, windowS: number): Promise<IdleRate[]> {
  const { leader } = await waitHealthy(world, 120_000);
  // Let the just-started loops settle (first acquire attempts, first renewals) before counting.
  await sleep(Math.min(timings.renewMs, 5_000));
  const from = Date.now();
  await sleep(windowS * 1000);
  const to = Date.now();
  const after = await waitHealthy(world, 5_000);
  if (after.leader !== leader) throw new Error('leadership changed during the idle window');
  return world.nodes.map((node) => {
    const { total, byKind } = node.proxy.count(from, to);
    return {
      timings: describeTimings(timings).split(' (')[0]!,
      windowS,
      role: node === leader ? 'leader' : 'standby',
      node: node.name,
      perMinute: (total * 60_000) / (to - from),
      byKind,
    };
  });
}
