// Checks test/support/consul.ts and pins down the real Consul (1.8.7) session/KV behaviour the
// supervisor relies on, using plain fetch so no client library shapes the requests.
//
// Learned from 1.8.7 (session info, GET /v1/session/info/<id>):
// - fields: ID, Name, Node, LockDelay (nanoseconds), Behavior, TTL, NodeChecks, ServiceChecks,
//   CreateIndex, ModifyIndex. There is no `Checks` field in the answer.
// - no checks given      -> NodeChecks ["serfHealth"], LockDelay 15 s, Behavior "release".
// - "Checks": []         -> NodeChecks [] (legacy field, honoured: mapped onto NodeChecks).
// - "NodeChecks": []     -> NodeChecks [] (honoured). ServiceChecks stays null unless sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { consulBinary, startConsulServer, startConsulCluster, type ConsulServer } from '../support/consul.js';
import { freePorts } from '../support/ports.js';
import { startCountingProxy } from '../chaos/counting-proxy.js';
import { until } from '../support/until.js';

interface SessionInfo {
  ID: string;
  Name: string;
  Behavior: string;
  TTL: string;
  LockDelay: number;
  NodeChecks: string[] | null;
  ServiceChecks: unknown[] | null;
  Checks?: unknown;
}

let consul: ConsulServer;

before(async () => {
  consul = await startConsulServer({ logLevel: 'warn' });
});
after(async () => {
  await consul?.stop();
});

async function put(path: string, body?: unknown): Promise<Response> {
  return fetch(`${consul.url}${path}`, {
    method: 'PUT',
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function createSession(body: Record<string, unknown>): Promise<string> {
  const res = await put('/v1/session/create', body);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { ID: string }).ID;
}

async function sessionInfo(id: string): Promise<SessionInfo> {
  const res = await fetch(`${consul.url}/v1/session/info/${id}`);
  assert.equal(res.status, 200);
  const list = (await res.json()) as SessionInfo[];
  assert.equal(list.length, 1);
  return list[0]!;
}

const lockSession = { Name: 'n1', TTL: '30s', Behavior: 'delete', LockDelay: '0s' };

test('startConsulServer gives a ready server with a leader', async () => {
  const res = await fetch(`${consul.url}/v1/status/leader`);
  assert.match((await res.json()) as string, /^127\.0\.0\.1:\d+$/);
  assert.ok(consul.pid > 0);
  if (!process.env['CONSUL_BIN']) assert.match(consulBinary(), /\.tools\/consul\/bin\/consul$|^consul$/);
  const ports = await freePorts(8);
  assert.equal(new Set(ports).size, 8);
});

test('empty Checks / NodeChecks detach the session from serfHealth (1.8.7 honours both)', async () => {
  const dflt = await sessionInfo(await createSession({ Name: 'default', TTL: '30s' }));
  assert.deepEqual(dflt.NodeChecks, ['serfHealth'], 'control: default session is tied to serfHealth');
  assert.equal(dflt.LockDelay, 15e9);

  const viaChecks = await sessionInfo(await createSession({ ...lockSession, Checks: [] }));
  assert.deepEqual(viaChecks.NodeChecks, []);
  assert.equal(viaChecks.Checks, undefined, 'info has no Checks field');
  assert.equal(viaChecks.Behavior, 'delete');
  assert.equal(viaChecks.TTL, '30s');
  assert.equal(viaChecks.LockDelay, 0);

  const viaNodeChecks = await sessionInfo(await createSession({ ...lockSession, NodeChecks: [] }));
  assert.deepEqual(viaNodeChecks.NodeChecks, []);

  const both = await sessionInfo(await createSession({ ...lockSession, Checks: [], NodeChecks: [] }));
  assert.deepEqual(both.NodeChecks, []);
});

test('acquire is exclusive and destroying a delete-session removes the key', async () => {
  const key = '/v1/kv/kuutamod-leader/x';
  const s1 = await createSession({ ...lockSession, Checks: [] });
  const s2 = await createSession({ ...lockSession, Name: 'n2', Checks: [] });

  // The answer is JSON `true`/`false` followed by a newline, so parse it rather than compare text.
  assert.equal(await (await put(`${key}?acquire=${s1}`, 'node-1')).json(), true);
  assert.equal(await (await put(`${key}?acquire=${s2}`, 'node-2')).json(), false);
  const held = (await (await fetch(`${consul.url}${key}`)).json()) as Array<{ Session?: string }>;
  assert.equal(held[0]?.Session, s1);

  assert.equal((await put(`/v1/session/destroy/${s1}`)).status, 200);
  const gone = await fetch(`${consul.url}${key}`);
  assert.equal(gone.status, 404);
  assert.ok(gone.headers.get('X-Consul-Index'), '404 carries X-Consul-Index too');
});

test('a blocking query returns promptly when the key changes', async () => {
  const key = '/v1/kv/kuutamod-leader/blocking';
  await put(key, 'v1');
  const first = await fetch(`${consul.url}${key}`);
  const index = first.headers.get('X-Consul-Index');
  assert.ok(index);

  // Through a counting proxy, so the change is written only once the query is on its way to Consul
  // (written before, the query would return at once and prove nothing about blocking).
  const { hostname, port } = new URL(consul.url);
  const proxy = await startCountingProxy({ host: hostname, port: Number(port) });
  try {
    const started = Date.now();
    const blocked = fetch(`${proxy.url}${key}?index=${index}&wait=5s`);
    await until('the blocking query forwarded to Consul', () => proxy.requests.some((r) => r.kind === 'GET /v1/kv (blocking)'));
    await put(key, 'v2');
    const res = await blocked;
    const elapsed = Date.now() - started;

    const [entry] = (await res.json()) as Array<{ Value: string }>;
    assert.equal(Buffer.from(entry!.Value, 'base64').toString(), 'v2');
    assert.ok(elapsed < 2_000, `blocking query took ${elapsed} ms`);
    assert.ok(Number(res.headers.get('X-Consul-Index')) > Number(index));
  } finally {
    await proxy.close();
  }
});

test('a 3-server cluster elects a leader and survives losing it', async () => {
  const cluster = await startConsulCluster(3);
  try {
    const first = await cluster.leaderUrl();
    const leader = cluster.servers.find((s) => s.url === first);
    assert.ok(leader);
    leader.kill('SIGKILL');

    const second = await cluster.leaderUrl();
    assert.notEqual(second, first);
    // The survivors still form a quorum that accepts writes.
    const res = await fetch(`${second}/v1/kv/after-failover`, { method: 'PUT', body: 'ok' });
    assert.equal(await res.json(), true);
  } finally {
    await cluster.stop();
  }
});
