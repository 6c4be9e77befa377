/**
 * What the Consul election actor asks of a real Consul (1.8.7), counted at a proxy between the two:
 * - the slow fallback poll of the lock reads the key and does not PUT ?acquire (a raft write) while
 *   another session holds it; the blocking query still takes a freed lock at once;
 * - the lock holder renews at its own pace (holderRenewIntervalMs) so a Consul leader election does not
 *   outlast its step-down deadline, while a standby keeps the configured interval;
 * - a yielding standby (a head start for a higher priority) still tries on time while the lock key is
 *   missing and every nearby write wakes its watch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { DEFAULT_TIMINGS, type FailoverTimings } from '../../machines/failover-timings.js';
import type { ElectionEvent } from '../../machines/failover-events.js';
import { consulLeaderKey, createConsulClient } from '../../services/consul/client.js';
import { ConsulElection } from '../../services/consul/election.js';
import { actorTimings, holderRenewIntervalMs } from '../../services/service-timings.js';
import { countedConsulForThisFile } from '../support/counted-consul.js';
import { until } from '../support/until.js';

const ACCOUNT = 'election-requests.test';
const KEY = consulLeaderKey(ACCOUNT);

const counted = countedConsulForThisFile();

async function put(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${counted.consul.url}${path}`, { method: 'PUT', body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(response.status, 200, `PUT ${path}`);
  return response.json();
}

/** A session of "another node", made directly on Consul (not through the proxy), holding the lock. */
async function otherNodeHoldsLock(): Promise<string> {
  const { ID } = (await put('/v1/session/create', { Name: 'other', TTL: '30s', Behavior: 'delete', LockDelay: '0s', NodeChecks: [] })) as { ID: string };
  assert.equal(await put(`/v1/kv/${KEY}?acquire=${ID}`, { NodeId: 'other' }), true);
  return ID;
}

/** An election actor talking to Consul through the counting proxy, with its reports in an inbox. */
function electionThroughProxy(timings: Partial<FailoverTimings>, accountId = ACCOUNT) {
  const events: ElectionEvent[] = [];
  const election = new ConsulElection(
    {
      consul: createConsulClient({ url: counted.proxy.url, requestTimeoutMs: 5_000 }),
      nodeId: 'node-under-test',
      accountId,
      timings: actorTimings({ ...DEFAULT_TIMINGS, ...timings }),
      logger: pino({ level: 'silent' }),
    },
    (event) => events.push(event),
  );
  return { election, events };
}


const requestsSince = (from: number, kind: string) => counted.proxy.requests.filter((r) => r.t >= from && r.kind === kind);

test('the fallback poll reads a held lock instead of writing to it; a freed lock is still taken at once', async () => {
  const other = await otherNodeHoldsLock();
  // A fast fallback poll, so a few rounds fit in the test.
  const { election, events } = electionThroughProxy({ lockAcquireIntervalMs: 200 });
  try {
    election.command({ type: 'ELECTION.REGISTER' });
    await until('a session', () => events.some((e) => e.type === 'SESSION_CREATED'));
    const from = Date.now();
    election.command({ type: 'ELECTION.ACQUIRE_START' });
    await until('5 fallback reads of the key', () => requestsSince(from, 'GET /v1/kv').length >= 5);
    assert.equal(requestsSince(from, 'PUT /v1/kv acquire').length, 1, 'only the first try writes; the polls behind it read');
    assert.ok(!events.some((e) => e.type === 'LOCK_ACQUIRED'));
  } finally {
    election.dispose();
  }

  // Blocking query wake-up: a fallback poll too slow to matter, the other node's session destroyed.
  const second = electionThroughProxy({ lockAcquireIntervalMs: 60_000 });
  try {
    second.election.command({ type: 'ELECTION.REGISTER' });
    await until('a session', () => second.events.some((e) => e.type === 'SESSION_CREATED'));
    second.election.command({ type: 'ELECTION.ACQUIRE_START' });
    await until('the lock watch', () => counted.proxy.requests.some((r) => r.kind === 'GET /v1/kv (blocking)'));
    const freedAt = Date.now();
    await put(`/v1/session/destroy/${other}`);
    await until('the lock taken', () => second.events.some((e) => e.type === 'LOCK_ACQUIRED'));
    const tookMs = Date.now() - freedAt;
    assert.ok(tookMs < 2_000, `taken ${tookMs} ms after the release, not at the 60 s fallback poll`);
  } finally {
    second.election.command({ type: 'ELECTION.RESIGN' });
    await until('the session closed', () => second.events.some((e) => e.type === 'SESSION_CLOSED'));
    second.election.dispose();
  }
});

test('the lock holder renews at the holder pace, a standby at the configured interval', async () => {
  // The chaos timings: renew every 3 s, step down 6 s after the last success; a 5 s outage needs 1 s.
  const timings = { sessionTtlMs: 10_000, sessionRenewIntervalMs: 3_000, stepDownAfterMs: 6_000 };
  assert.equal(holderRenewIntervalMs(actorTimings({ ...DEFAULT_TIMINGS, ...timings })), 1_000);
  const other = await otherNodeHoldsLock();
  const { election, events } = electionThroughProxy(timings);
  try {
    election.command({ type: 'ELECTION.REGISTER' });
    await until('a session', () => events.some((e) => e.type === 'SESSION_CREATED'));
    election.command({ type: 'ELECTION.ACQUIRE_START' });
    const standbyFrom = Date.now();
    await until('2 standby renewals', () => requestsSince(standbyFrom, 'PUT /v1/session/renew').length >= 2, 10_000);
    const [first, second] = requestsSince(standbyFrom, 'PUT /v1/session/renew');
    assert.ok(second!.t - first!.t >= 2_900, `standby renews every 3 s (${second!.t - first!.t} ms)`);

    await put(`/v1/session/destroy/${other}`);
    await until('the lock taken', () => events.some((e) => e.type === 'LOCK_ACQUIRED'));
    const holderFrom = Date.now();
    await until('4 holder renewals', () => requestsSince(holderFrom, 'PUT /v1/session/renew').length >= 4, 10_000);
    const renewals = requestsSince(holderFrom, 'PUT /v1/session/renew').map((r) => r.t);
    const gaps = renewals.slice(1).map((t, i) => t - renewals[i]!);
    assert.ok(renewals[0]! - holderFrom < 1_500, `the first holder renewal is brought forward (${renewals[0]! - holderFrom} ms)`);
    for (const gap of gaps) assert.ok(gap >= 950 && gap < 2_000, `holder renews every second (gaps ${gaps.join(', ')} ms)`);
  } finally {
    election.command({ type: 'ELECTION.RESIGN' });
    await until('the session closed', () => events.some((e) => e.type === 'SESSION_CLOSED'));
    election.dispose();
  }
});

test("wake-ups of the lock watch do not postpone a yielding standby's try (a missing key wakes at every nearby write)", async () => {
  // A pool whose lock key is missing (its holder's session ended, Behavior delete), on a busy cluster:
  // another node rewrites its member record every 150 ms, and each write answers the blocking query.
  const account = 'yield-wakeups.test';
  let writing = true;
  const neighbour = (async () => {
    for (let i = 0; writing; i++) {
      await put(`/v1/kv/kuutamod-members/${account}/busy-neighbour`, { i });
      await sleep(150);
    }
  })();
  const { election, events } = electionThroughProxy({}, account);
  try {
    election.command({ type: 'ELECTION.REGISTER' });
    await until('a session', () => events.some((e) => e.type === 'SESSION_CREATED'));
    const from = Date.now();
    election.command({ type: 'ELECTION.ACQUIRE_START', delayMs: 1_500 });
    await until('the lock taken', () => events.some((e) => e.type === 'LOCK_ACQUIRED'), 20_000);
    const tookMs = Date.now() - from;
    const wakes = requestsSince(from, 'GET /v1/kv (blocking)').length;
    assert.ok(wakes >= 3, `the neighbour's writes woke the watch (${wakes} blocking queries)`);
    assert.ok(tookMs < 6_000, `took the free lock ${tookMs} ms after ACQUIRE_START with a 1.5 s head start`);
  } finally {
    writing = false;
    await neighbour;
    election.command({ type: 'ELECTION.RESIGN' });
    await until('the session closed', () => events.some((e) => e.type === 'SESSION_CLOSED'));
    election.dispose();
  }
});
