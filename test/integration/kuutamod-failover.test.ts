/**
 * kuutamod end to end: real Consul, real daemons as child processes, the neard stand-in as neard.
 * Each test builds its own Consul, homes and ports, and tears them down.
 */
import assert from 'node:assert/strict';
import { readlinkSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { parseJsonObject } from '../../services/json-object.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { configAddr } from '../support/neard-config-file.js';
import { ACCOUNT_ID, isAlive, waitForLeaderAndStandby, type Kuutamod } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import { untilValue } from '../support/until.js';

let fixture: DaemonCluster;

beforeEach(async () => {
  fixture = await startDaemonCluster('kuutamod-it-');
});

afterEach(() => fixture.stop());

const startNode = (nodeId: string): Promise<Kuutamod> => fixture.startNode(nodeId);
const homeOf = (daemon: Kuutamod): string => fixture.homeOf(daemon);

function canConnect(addr: string): Promise<boolean> {
  const [host, port] = addr.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A probe of the daemon's exporter address: its status code and JSON body. */
async function probe(daemon: Kuutamod, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${daemon.url}${path}`);
  return { status: response.status, body: await response.json() };
}

/** neard's own /status, once it reports a validator account (the restarted neard is up). */
async function waitForValidatorStatus(rpcAddr: string): Promise<{ validator_account_id: string | null }> {
  let last: unknown = null;
  return untilValue(
    `neard at ${rpcAddr} to report a validator account`,
    async () => {
      last = await (await fetch(`http://${rpcAddr}/status`)).json();
      const status = last as { validator_account_id: string | null };
      return status.validator_account_id ? status : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, retryErrors: true, detail: () => `last /status: ${JSON.stringify(last)}` },
  );
}

describe('kuutamod with a real Consul and the neard stand-in', () => {
  test('one node goes Startup -> Syncing -> Registering -> Voting -> Validating with the validator keys', async () => {
    const daemon = await startNode('node0');
    const view = await daemon.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'validating neard');
    const path = view.transitions.map((t) => t.to);
    assert.deepEqual(path, ['Startup', 'Syncing', 'Registering', 'Voting', 'Validating']);
    assert.equal(view.holdsLock, true);

    const home = homeOf(daemon);
    assert.equal(readlinkSync(join(home, 'node_key.json')), fixture.pool.validatorNodeKey);
    assert.equal(readlinkSync(join(home, 'validator_key.json')), fixture.pool.validatorKey);
    assert.equal(configAddr(home, 'network'), daemon.validatorNetworkAddr);
    // neard itself reports that it validates for the pool once the restarted process answers.
    await daemon.waitFor((v) => v.syncing === false && v.transitions.length === 5 && v.blockHeight !== null, 'neard answering');
    const status = await waitForValidatorStatus(configAddr(home, 'rpc'));
    assert.equal(status.validator_account_id, ACCOUNT_ID);
    assert.equal(await canConnect(daemon.validatorNetworkAddr), true, 'neard listens on the validator address');
    assert.equal(await canConnect(daemon.voterNetworkAddr), false, 'nothing listens on the voter address');

    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    assert.match(metrics, /^kuutamod_neard_restarts 1$/m);
    assert.match(metrics, /^kuutamod_state\{type="Validating"\} 1$/m);
    assert.match(metrics, /^kuutamod_state\{type="Voting"\} 0$/m);
    assert.match(metrics, /^kuutamod_uptime \d+$/m);
    assert.match(metrics, /^process_cpu_user_seconds_total /m);
    assert.equal(await (await fetch(`${daemon.url}/health`)).text(), 'OK');
    assert.equal(await (await fetch(`${daemon.url}/neard-pid`)).text(), String(view.neardPid));
    assert.equal((await fetch(`${daemon.url}/nope`)).status, 404);

    // Every transition is logged once, with the node id.
    const lines = daemon.log().split('\n').filter((line) => line.includes('state changed: Voting -> Validating'));
    assert.equal(lines.length, 1);
    assert.equal(parseJsonObject(lines[0]!, 'log line')['node_id'], 'node0');
  });

  test('two nodes: exactly one validates, the other votes with its own node key; kuutamoctl names the leader', async () => {
    const [a, b] = [await startNode('node-a'), await startNode('node-b')];
    const [leader, standby] = await waitForLeaderAndStandby(a, b);
    const standbyHome = homeOf(standby);
    assert.equal(readlinkSync(join(standbyHome, 'node_key.json')), join(standbyHome, 'voter_node_key.json'));
    assert.equal(existsSync(join(standbyHome, 'validator_key.json')), false);
    assert.equal(configAddr(standbyHome, 'network'), standby.voterNetworkAddr);

    // The probes (docs/probes.md) agree with the states, each node answering for itself.
    assert.deepEqual(await probe(leader, '/leader'), { status: 200, body: { role: 'leader', state: 'Validating', detail: 'Validating.Leased.Checking' } });
    assert.equal((await probe(leader, '/standby')).status, 503);
    assert.deepEqual(await probe(standby, '/standby'), { status: 200, body: { role: 'standby', state: 'Voting', detail: 'Voting.Contending' } });
    assert.equal((await probe(standby, '/leader')).status, 503);
    for (const daemon of [leader, standby]) assert.equal((await probe(daemon, '/liveness')).status, 200, `${daemon.nodeId} /liveness`);

    const leaderView = await leader.state();
    const json = await kuutamoctl(['--consul-url', fixture.consul.url, '--json', 'active-validator']);
    assert.equal(json.code, 0, json.stderr);
    const session = JSON.parse(json.stdout) as { ID: string; Name: string };
    assert.equal(session.Name, leader.nodeId);
    assert.equal(session.ID, leaderView.sessionId);
    const plain = await kuutamoctl(['--consul-url', fixture.consul.url, 'active-validator']);
    assert.equal(plain.stdout, `Name: ${leader.nodeId}\n`);

    // The session is tied to its TTL alone, and the key holds kuutamod's value shape.
    const [info] = (await (await fetch(`${fixture.consul.url}/v1/session/info/${leaderView.sessionId}`)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(info?.NodeChecks ?? [], [], 'no serfHealth: only the TTL can end the session');
    assert.equal(info?.Behavior, 'delete');
    assert.equal(info?.LockDelay, 0);
    assert.equal(info?.TTL, '10s');
    assert.equal(info?.Name, leader.nodeId);
    const [entry] = (await (await fetch(`${fixture.consul.url}/v1/kv/kuutamod-leader/${ACCOUNT_ID}`)).json()) as Array<{ Value: string; Session: string }>;
    assert.equal(entry?.Session, leaderView.sessionId);
    const value = JSON.parse(Buffer.from(entry.Value, 'base64').toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(value).sort(), ['Hostname', 'NodeId']);
    assert.equal(value.NodeId, leader.nodeId);

    const nobody = await kuutamoctl(['--consul-url', fixture.consul.url, 'active-validator'], { KUUTAMO_ACCOUNT_ID: 'nobody' });
    assert.equal(nobody.code, 1);
    assert.equal(nobody.stderr, 'No leader found\n');
  });

  test('SIGKILL of the leader\'s neard: the standby takes over', async () => {
    const [a, b] = [await startNode('node-a'), await startNode('node-b')];
    const [leader, standby] = await waitForLeaderAndStandby(a, b);
    const { neardPid } = await leader.state();
    assert.ok(neardPid);
    const killedAt = Date.now();
    process.kill(neardPid, 'SIGKILL');
    await standby.waitFor((v) => v.holdsLock, 'lock after neard SIGKILL', 30_000);
    const lockMs = Date.now() - killedAt;
    await standby.waitFor((v) => v.state === 'Validating', 'Validating after neard SIGKILL', 30_000);
    console.log(`takeover after leader neard SIGKILL: standby holds the lock after ${lockMs} ms, Validating after ${Date.now() - killedAt} ms`);
    const old = await leader.waitFor((v) => v.state !== 'Validating', 'old leader leaves Validating');
    assert.notEqual(old.state, 'Validating');
  });

  test('SIGTERM of the leader daemon: it stops neard, destroys its session, and the standby takes over', async () => {
    const [a, b] = [await startNode('node-a'), await startNode('node-b')];
    const [leader, standby] = await waitForLeaderAndStandby(a, b);
    const { neardPid, sessionId } = await leader.state();
    const signalledAt = Date.now();
    leader.process.kill('SIGTERM');
    await standby.waitFor((v) => v.holdsLock, 'lock after leader SIGTERM', 30_000);
    const lockMs = Date.now() - signalledAt;
    await standby.waitForState('Validating', 30_000);
    console.log(`takeover after leader daemon SIGTERM: standby holds the lock after ${lockMs} ms, Validating after ${Date.now() - signalledAt} ms`);
    const exit = await leader.exited;
    assert.equal(exit.code, 0, leader.log().slice(-2000));
    assert.equal(isAlive(neardPid!), false, 'the leader stopped its neard');
    const info = (await (await fetch(`${fixture.consul.url}/v1/session/info/${sessionId}`)).json()) as unknown[] | null;
    assert.equal(info?.length ?? 0, 0, 'the leader destroyed its session');
    assert.match(leader.log(), /state changed: Validating -> Shutdown/);
  });
});
