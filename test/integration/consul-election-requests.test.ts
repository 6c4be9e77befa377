/**
 * What the Consul election actor asks of a real Consul (1.8.7), counted at a proxy between the two:
 * - the lock holder renews at its own pace (holderRenewIntervalMs) so a Consul leader election does not
 *   outlast its step-down deadline, while a standby keeps the configured interval.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_TIMINGS, type FailoverTimings } from '../../machines/failover-timings.js';
import type { ElectionEvent } from '../../machines/failover-events.js';
import { consulLeaderKey, createConsulClient } from '../../services/consul-client.js';
import { ConsulElection } from '../../services/consul-election.js';
import { actorTimings, holderRenewIntervalMs } from '../../services/service-timings.js';
import { startCountingProxy, type CountingProxy } from '../chaos/counting-proxy.js';
import { startConsulServer, type ConsulServer } from '../support/consul.js';

const ACCOUNT = 'election-requests.test';
const KEY = consulLeaderKey(ACCOUNT);

let consul: ConsulServer;
let proxy: CountingProxy;

before(async () => {
  consul = await startConsulServer({ logLevel: 'warn' });
  const { hostname, port } = new URL(consul.url);
  proxy = await startCountingProxy({ host: hostname, port: Number(port) });
});
after(async () => {
  await proxy?.close();
  await consul?.stop();
});

async function put(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${consul.url}${path}`, { method: 'PUT', body: body === undefined ? undefined : JSON.stringify(body) });
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
function electionThroughProxy(timings: Partial<FailoverTimings>) {
  const events: ElectionEvent[] = [];
  const election = new ConsulElection(
    {
      consul: createConsulClient({ url: proxy.url, requestTimeoutMs: 5_000 }),
      nodeId: 'node-under-test',
      accountId: ACCOUNT,
      timings: actorTimings({ ...DEFAULT_TIMINGS, ...timings }),
      logger: pino({ level: 'silent' }),
    },
    (event) => events.push(event),
  );
  return { election, events };
}

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const requestsSince = (from: number, kind: string) => proxy.requests.filter((r) => r.t >= from && r.kind === kind);

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
