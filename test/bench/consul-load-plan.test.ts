// The Consul load bench's plan (consul-load-plan.ts): the expected load at kuutamod's defaults is what
// bench:scale counted at its proxies in front of real daemons (docs/scale.md: 0.500 requests/s per pool of
// 2, 0.233 of them the election, 0.267 membership), it follows the leader's faster renewal where the
// timings ask for one, and the simulated pools are split over the workers without loss or overlap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { actorTimings } from '../../services/service-timings.js';
import { expectedLoad, meanBlockingHoldMs, simulatedPools, slices, watchStormLimit } from './consul-load-plan.js';

const DEFAULTS = actorTimings(DEFAULT_TIMINGS);
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test("at kuutamod's defaults a pool of 2 makes 0.5 requests/s besides its blocking queries, as bench:scale measured", () => {
  const load = expectedLoad(1, 2, DEFAULTS, 15_000);
  near(load.total, 0.5, 'steady requests/s per pool');
  // The election, 0.233/s: two lock-session renewals every 10 s, the standby's fallback read every 30 s.
  // Membership, 0.267/s: two record writes every 15 s, two member-session renewals every 30 s, the standby's pool read every 15 s.
  near(load.byKind['PUT /v1/session/renew']!, 2 / 10 + 2 / 30, 'renewals: lock sessions and member sessions');
  near(load.byKind['GET kuutamod-leader']!, 1 / 30, 'fallback read of the lock');
  near(load.byKind['PUT kuutamod-members ?acquire']!, 2 / 15, 'member writes');
  near(load.byKind['GET kuutamod-members ?recurse']!, 1 / 15, 'pool read');
  near(load.raftWritesPerS, 2 / 15, 'raft writes are the member writes');
  // 1,000 pools: the projection of docs/scale.md, now as the plan the measurement is checked against.
  const thousand = expectedLoad(1000, 2, DEFAULTS, 15_000);
  near(thousand.total, 500, 'steady requests/s for 1,000 pools');
  assert.equal(thousand.heldOpenTotal, 3000, 'a lock watch per standby, a handover watch per node');
  near(thousand.raftWritesPerS, 1000 * (2 / 15), 'raft writes/s for 1,000 pools');
});

test('blocking queries are re-issued once per hold, which Consul staggers by up to a sixteenth', () => {
  near(meanBlockingHoldMs(300_000), 309_375, 'mean hold');
  const load = expectedLoad(10, 3, DEFAULTS, 15_000);
  near(load.byKind['GET kuutamod-leader (blocking)']!, (10 * 2) / 309.375, 'lock watches: the standbys');
  near(load.byKind['GET kuutamod-handover (blocking)']!, (10 * 3) / 309.375, 'handover watches: every node');
  near(load.watchPerS, (10 * (2 + 3 + 3)) / 309.375, 'the watch cycle: both blocking queries and the handover read after each');
  assert.deepEqual(load.heldOpen, { 'GET kuutamod-leader (blocking)': 20, 'GET kuutamod-handover (blocking)': 30 });
  // Each held watch may be re-issued once at any moment and once more per full wait in the window.
  assert.equal(watchStormLimit(50, 120, 300_000), 50);
  assert.equal(watchStormLimit(50, 600, 300_000), 150);
});

test("the leader renews at holderRenewIntervalMs: every second at TTL 10 s / step-down 6 s, the standbys every renewal interval", () => {
  const chaos = actorTimings({ ...DEFAULT_TIMINGS, sessionTtlMs: 10_000, sessionRenewIntervalMs: 3_000, stepDownAfterMs: 6_000 });
  const load = expectedLoad(1, 3, chaos, 15_000);
  near(load.byKind['PUT /v1/session/renew']!, 1 + 2 / 3 + 3 / 30, 'leader 1/s, 2 standbys 1/3 s, 3 member sessions every 30 s');
});

test('simulated pools have distinct accounts and node ids, and the workers get each pool exactly once', () => {
  const pools = simulatedPools(7, 3);
  assert.deepEqual(pools[6], { accountId: 'load-6.test', nodeIds: ['load-6-a', 'load-6-b', 'load-6-c'] });
  assert.equal(new Set(pools.flatMap((p) => p.nodeIds)).size, 21);
  for (const parts of [1, 2, 3, 7, 12]) {
    const split = slices(pools, parts);
    assert.equal(split.length, Math.min(parts, 7));
    assert.deepEqual(split.flat(), pools);
    const sizes = split.map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `uneven: ${sizes.join(',')}`);
  }
  assert.deepEqual(slices([], 2), [[]]);
});
