// What the Consul load bench simulates and what it should see, worked out from the daemon's own timings
// before anything runs: the simulated pools (accounts and node ids), how they are split over the
// generator's processes, and the request rate a steady pool makes by kind (the kinds timed-consul-client.ts
// names). The report sets the measured rates beside these, so a generator that falls behind, or code that
// changed its pace, shows. Pure (unit-tested in consul-load-plan.test.ts).
import { holderRenewIntervalMs, type ActorTimings } from '../../services/service-timings.js';
import type { SimulatedPool } from './consul-load-protocol.js';

/** The simulated pools: `load-<i>.test`, nodes `load-<i>-a`, `-b` (and `-c`). Their keys never meet a real pool's. */
export function simulatedPools(count: number, daemonsPerPool: number): SimulatedPool[] {
  return Array.from({ length: count }, (_, i) => ({
    accountId: `load-${i}.test`,
    nodeIds: Array.from({ length: daemonsPerPool }, (_, j) => `load-${i}-${String.fromCharCode(97 + j)}`),
  }));
}

/** Contiguous slices of `items`, as even as possible, at most `parts` of them and none empty. */
export function slices<T>(items: readonly T[], parts: number): T[][] {
  const count = Math.max(1, Math.min(parts, items.length));
  return Array.from({ length: count }, (_, i) => items.slice(Math.floor((i * items.length) / count), Math.floor(((i + 1) * items.length) / count)));
}

/**
 * Consul holds a blocking query for its wait plus a random stagger of up to wait/16 (Consul 1.8,
 * agent/consul/rpc.go: lib.RandomStagger(queryTimeout / 16)): on average wait x 33/32.
 */
export const meanBlockingHoldMs = (waitMs: number): number => (waitMs * 33) / 32;

/**
 * The watch cycle: each blocking query is re-issued once per hold (5 minutes at the defaults), and the handover
 * watch reads the record after each answer. A window shorter than a hold after the daemons started sees few of
 * them, so they are compared apart from the steady requests; a wake-up storm (a watch answered on every write
 * nearby, docs/scale.md) shows as more re-issues than the watches held open could make (watchStormLimit).
 */
export const WATCH_CYCLE_KINDS = ['GET kuutamod-leader (blocking)', 'GET kuutamod-handover (blocking)', 'GET kuutamod-handover'];
export const isWatchCycle = (kind: string): boolean => WATCH_CYCLE_KINDS.includes(kind);

export interface ExpectedLoad {
  /** Requests per second by kind (timed-consul-client.ts's names), all pools together. */
  byKind: Record<string, number>;
  /** The steady requests per second: every kind but the watch cycle's. */
  total: number;
  /** The watch cycle's requests per second in the steady state. */
  watchPerS: number;
  /** Blocking queries held open at any time, by kind. */
  heldOpen: Record<string, number>;
  heldOpenTotal: number;
  /** Raft writes per second: the member record rewrites (session renewals and reads are not raft writes). */
  raftWritesPerS: number;
}

/**
 * The steady load of `pools` healthy pools of `daemonsPerPool` daemons (one leader, the rest voting) at these
 * timings. Per daemon:
 * - election session renewal: every holderRenewIntervalMs on the leader, every sessionRenewIntervalMs on a standby;
 * - member record rewrite (a raft write) every interval, member session renewal every other interval
 *   (member-publisher.ts renews when 1.5 intervals have passed);
 * - handover record watch: one blocking query held open, re-issued once per hold, and a read of the record after each answer;
 * on a standby also: the lock's fallback read every lockAcquireIntervalMs, the lock watch's blocking query,
 * and the pool read every interval.
 */
export function expectedLoad(pools: number, daemonsPerPool: number, timings: ActorTimings, memberPublishIntervalMs: number): ExpectedLoad {
  const standbys = daemonsPerPool - 1;
  const perS = (ms: number) => 1000 / ms;
  const hold = meanBlockingHoldMs(timings.lockWatchWaitMs);
  const perPool: Record<string, number> = {
    'PUT /v1/session/renew': perS(holderRenewIntervalMs(timings)) + standbys * perS(timings.sessionRenewIntervalMs) + daemonsPerPool * perS(2 * memberPublishIntervalMs),
    'PUT kuutamod-members ?acquire': daemonsPerPool * perS(memberPublishIntervalMs),
    'GET kuutamod-members ?recurse': standbys * perS(memberPublishIntervalMs),
    'GET kuutamod-leader': standbys * perS(timings.lockAcquireIntervalMs),
    'GET kuutamod-leader (blocking)': standbys * perS(hold),
    'GET kuutamod-handover (blocking)': daemonsPerPool * perS(hold),
    'GET kuutamod-handover': daemonsPerPool * perS(hold),
  };
  const byKind = Object.fromEntries(Object.entries(perPool).map(([kind, rate]) => [kind, rate * pools]));
  const sum = (keep: (kind: string) => boolean) => Object.entries(byKind).filter(([kind]) => keep(kind)).reduce((a, [, rate]) => a + rate, 0);
  const heldOpen = { 'GET kuutamod-leader (blocking)': pools * standbys, 'GET kuutamod-handover (blocking)': pools * daemonsPerPool };
  return {
    byKind,
    total: sum((kind) => !isWatchCycle(kind)),
    watchPerS: sum(isWatchCycle),
    heldOpen,
    heldOpenTotal: Object.values(heldOpen).reduce((a, b) => a + b, 0),
    raftWritesPerS: byKind['PUT kuutamod-members ?acquire']!,
  };
}

/**
 * The most blocking queries `heldOpen` watches can send in a window of `windowS` seconds when each waits its
 * full `waitMs`: one each at any moment, plus one per full wait. More than this is a wake-up storm.
 */
export function watchStormLimit(heldOpen: number, windowS: number, waitMs: number): number {
  return heldOpen * (Math.floor((windowS * 1000) / waitMs) + 1);
}
