/**
 * The pool's history of validator changes (issue 18) against a real Consul and two real daemons: garbage
 * in the key is read as empty and replaced, and `kuutamoctl history --json` shows every change with its
 * reason: the first start, a crash of the leader's neard, a planned switchover, a Consul outage of the
 * leader (its entry waits in its local fallback file while Consul answers 503 and reaches Consul when it
 * answers again), a graceful stop and a daemon killed outright. node0 talks to Consul through a proxy the test can make answer 503
 * (test/chaos/counting-proxy.ts), node1 directly.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { HistoryEntry, HistoryReason } from '../../machines/history-list.js';
import { createConsulClient, type ConsulClient } from '../../services/consul/client.js';
import { HISTORY_FALLBACK_FILE, readFallback } from '../../services/pool/history-fallback.js';
import { historyKeyOf } from '../../services/pool/history-record.js';
import { readHistoryView, type HistoryView } from '../../src/history-view.js';
import { startCountingProxy, type CountingProxy } from '../chaos/counting-proxy.js';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { ACCOUNT_ID, createNodeHome, createPoolKeys, startKuutamod, waitForLeaderAndStandby, type Kuutamod, type PoolKeys } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import { waitForMembers } from '../support/pool-members.js';
import { untilValue } from '../support/until.js';

/** Short, so a taker that waits for the old leader's reason waits seconds. */
const POOL_ARGS = ['--member-publish-interval', '1s'];

let dir: string;
let server: ConsulServer;
let proxy: CountingProxy;
let consul: ConsulClient;
let pool: PoolKeys;
const daemons: Kuutamod[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kuutamod-history-'));
  server = await startConsulServer({ logLevel: 'warn' });
  const { hostname, port } = new URL(server.url);
  proxy = await startCountingProxy({ host: hostname, port: Number(port) });
  consul = createConsulClient({ url: server.url, requestTimeoutMs: 5_000 });
  pool = createPoolKeys(dir);
});

after(async () => {
  if (proxy) proxy.inject = null;
  await Promise.all(daemons.map((daemon) => daemon.stop()));
  consul?.destroy();
  await proxy?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startNode(nodeId: string, consulUrl: string): Promise<Kuutamod> {
  const node = await createNodeHome(dir, nodeId, pool);
  const daemon = await startKuutamod({ consulUrl, nodeId, pool, node, extraArgs: POOL_ARGS });
  daemons.push(daemon);
  return daemon;
}

const homeOf = (daemon: Kuutamod) => join(dir, daemon.nodeId);

/** Until Consul's history holds an entry matching `predicate`; returns it. */
async function waitForEntry(what: string, predicate: (entry: HistoryEntry) => boolean, timeoutMs = 30_000): Promise<HistoryEntry> {
  let last: HistoryView | undefined;
  return untilValue(
    `a history entry: ${what}`,
    async () => {
      last = await readHistoryView(consul, ACCOUNT_ID);
      return last.entries.find(predicate);
    },
    { timeoutMs, intervalMs: 100, detail: () => `history: ${JSON.stringify(last?.entries, null, 1)}\n${daemons.map((d) => `--- ${d.nodeId} ---\n${d.log().slice(-2500)}`).join('\n')}` },
  );
}

const change = (from: string | null, to: string | null, reason: HistoryReason) => (entry: HistoryEntry) => entry.from === from && entry.to === to && entry.reason === reason;

test('crash, switchover, Consul outage, graceful stop and a killed daemon each appear in kuutamoctl history with their reason', async () => {
  // Garbage where the history lives: read as empty, replaced by the first entry, never fatal.
  await consul.writeKey(historyKeyOf(ACCOUNT_ID), 'not json {');
  const node0 = await startNode('node0', proxy.url);
  await node0.waitForState('Validating');
  const node1 = await startNode('node1', server.url);
  await waitForLeaderAndStandby(node0, node1);
  await waitForEntry('node0 first', change(null, 'node0', 'first start'));
  assert.match(node0.log(), /Consul key kuutamod-history\/pool\.test: not JSON; read as empty/);

  // A crash: the leader's neard killed. node0 records why at once; node1, taking over, completes that entry.
  const { neardPid } = await node0.state();
  process.kill(neardPid!, 'SIGKILL');
  await node1.waitFor((v) => v.state === 'Validating', 'node1 takes over');
  const crash = await waitForEntry('node0 -> node1, crash', change('node0', 'node1', 'crash'));
  assert.match(crash.detail, /neard \(validator\) exited on SIGKILL/);
  assert.equal(crash.recordedBy, 'node0');

  // A planned switchover back to node0, once it is a ready standby again.
  await waitForMembers(consul, (members) => members.some((m) => m.nodeId === 'node0' && m.state === 'Voting' && m.syncing === false && m.eligible), 'node0 ready again');
  const switchover = await kuutamoctl(['switchover', '--now', '--to', 'node0', '--wait'], { KUUTAMO_NEARD_HOME: homeOf(node1) });
  assert.equal(switchover.code, 0, `${switchover.stdout}${switchover.stderr}`);
  const planned = await waitForEntry('node1 -> node0, switchover', change('node1', 'node0', 'switchover'));
  assert.match(planned.detail, /requested by kuutamoctl .*at once/);

  // node0 cut from Consul (every request answered 503): it steps down and keeps its entry in its fallback file.
  await node0.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'node0 validates');
  proxy.inject = { match: () => true, status: 503 };
  const fallback = join(homeOf(node0), HISTORY_FALLBACK_FILE);
  const waiting = await untilValue('node0 keeps its step-down in its fallback file', () => readFallback(fallback).entries.find((e) => e.from === 'node0' && e.reason === 'consul outage'), {
    timeoutMs: 20_000,
    intervalMs: 100,
    detail: () => node0.log().slice(-3000),
  });
  assert.equal(waiting.to, null);
  // node0's own endpoint shows it, not in Consul yet; Consul does not have it.
  const local = (await (await fetch(`${node0.url}/v1/history`)).json()) as HistoryView;
  assert.equal(local.entries.find((e) => e.id === waiting.id)?.pending, true, JSON.stringify(local));
  assert.ok(!(await readHistoryView(consul, ACCOUNT_ID)).entries.some((e) => e.id === waiting.id));

  // Consul answers again: the entry reaches it (completed by whoever took the role by then, or still open).
  proxy.inject = null;
  const outage = await waitForEntry('node0 stepped down, consul outage', (e) => e.id === waiting.id);
  assert.deepEqual([outage.from, outage.reason], ['node0', 'consul outage']);
  await untilValue('the fallback file is gone', () => !existsSync(fallback), { timeoutMs: 10_000, intervalMs: 100 });

  // A graceful stop of whoever leads now: the other takes over, and the reason is the stop.
  const [leader, standby] = await waitForLeaderAndStandby(node0, node1);
  await leader.stop();
  await standby.waitFor((v) => v.state === 'Validating', `${standby.nodeId} takes over`);
  const stop = await waitForEntry(`${leader.nodeId} -> ${standby.nodeId}, operator stop`, change(leader.nodeId, standby.nodeId, 'operator stop'));
  assert.match(stop.detail, /kuutamod stopped \(SIGTERM\)/);

  // The stopped node runs again; then the leader's daemon is killed outright. Its guard frees the lock, it
  // records nothing, and its member record is no longer rewritten: the new leader, having waited for its
  // reason in vain, says its daemon was lost.
  const again = await startKuutamod({ consulUrl: leader === node0 ? proxy.url : server.url, nodeId: leader.nodeId, pool, node: { home: homeOf(leader), voterNodeKey: join(homeOf(leader), 'voter_node_key.json') }, extraArgs: POOL_ARGS });
  daemons.push(again);
  await waitForLeaderAndStandby(again, standby);
  standby.process.kill('SIGKILL');
  await again.waitFor((v) => v.state === 'Validating', `${again.nodeId} takes over`);
  const lost = await waitForEntry(`${standby.nodeId} -> ${again.nodeId}, daemon lost`, change(standby.nodeId, again.nodeId, 'daemon lost'));
  assert.match(lost.detail, /stopped rewriting its member record/);
  assert.equal(lost.recordedBy, again.nodeId);

  // kuutamoctl reads Consul directly: every reason in the order of the changes, as JSON and as a table.
  const json = await kuutamoctl(['--consul-url', server.url, 'history', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const view = JSON.parse(json.stdout) as HistoryView;
  const reasons = view.entries.map((e) => e.reason);
  const expected: HistoryReason[] = ['first start', 'crash', 'switchover', 'consul outage', 'operator stop', 'daemon lost'];
  assert.deepEqual(reasons.filter((r) => expected.includes(r)), expected, JSON.stringify(view.entries, null, 1));
  assert.deepEqual(view.warnings, []);
  const table = await kuutamoctl(['--consul-url', server.url, 'history']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^TIME\s+FROM\s+TO\s+REASON\s+BY\s+DETAIL$/);
  assert.match(lines[1]!, /^\S+Z\s+-\s+node0\s+first start\s+node0\s/);
  assert.match(lines.at(-2)!, new RegExp(`\\s${leader.nodeId}\\s+${standby.nodeId}\\s+operator stop\\s`));
  assert.match(lines.at(-1)!, new RegExp(`\\s${standby.nodeId}\\s+${again.nodeId}\\s+daemon lost\\s+${again.nodeId}\\s`));
});

test('kuutamoctl history on garbage: a clear warning, read as empty (exit 1, nothing recorded)', async () => {
  const account = 'garbage.test';
  await consul.writeKey(historyKeyOf(account), '{"entries": 3}');
  const table = await kuutamoctl(['--consul-url', server.url, 'history'], { KUUTAMO_ACCOUNT_ID: account });
  assert.equal(table.code, 1);
  assert.equal(table.stdout, '');
  assert.equal(
    table.stderr,
    `warning: Consul key kuutamod-history/${account}: not an object with a list of entries; read as empty (the next change of validator replaces it)\nNo changes of validator recorded for account ${account}\n`,
  );
  const json = await kuutamoctl(['--consul-url', server.url, 'history', '--json'], { KUUTAMO_ACCOUNT_ID: account });
  assert.equal(json.code, 1);
  assert.match(json.stderr, /^warning: Consul key kuutamod-history\/garbage\.test: not an object/);
  assert.deepEqual((JSON.parse(json.stdout) as HistoryView).entries, []);
});
