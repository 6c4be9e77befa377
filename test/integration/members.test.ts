/**
 * Pool membership against a real Consul and real daemons (issue 8): every node publishes its record under
 * kuutamod-members/<account>/, the lock holder's record says so, a clean stop removes the record at once,
 * and a SIGKILLed daemon's record is deleted by Consul with its member session, within 2 x TTL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createConsulClient, type ConsulClient } from '../../services/consul-client.js';
import { memberSessionTtlMs } from '../../services/member-publisher.js';
import { readMembers, type MemberRecord } from '../../services/member-record.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { waitForMembers as waitForPoolMembers } from '../support/pool-members.js';
import { ACCOUNT_ID } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import type { PoolView } from '../../src/pool-view.js';

/** Short, so a dead node's record goes within 2 x TTL = 20 s (the TTL is at least 10 s). */
const PUBLISH_INTERVAL_MS = 1_000;
const MEMBER_ARGS = ['--member-publish-interval', `${PUBLISH_INTERVAL_MS}ms`];

let cluster: DaemonCluster;
let consul: ConsulClient;

before(async () => {
  cluster = await startDaemonCluster('kuutamod-members-');
  consul = createConsulClient({ url: cluster.consul.url, requestTimeoutMs: 5_000 });
});

after(async () => {
  consul.destroy();
  await cluster.stop();
});

const waitForMembers = (predicate: (members: MemberRecord[]) => boolean, what: string, timeoutMs?: number) => waitForPoolMembers(consul, predicate, what, timeoutMs);

const byId = (members: MemberRecord[], nodeId: string) => members.find((m) => m.nodeId === nodeId);

describe('pool membership', () => {
  test('every node publishes its record; the leader holds the lock; a clean stop removes the record at once; a killed one goes within 2 x TTL', async () => {
    const node0 = await cluster.startNode('node0', { extraArgs: MEMBER_ARGS });
    await node0.waitForState('Validating');
    const node1 = await cluster.startNode('node1', { extraArgs: MEMBER_ARGS });
    await node1.waitForState('Voting');
    const node2 = await cluster.startNode('node2', { extraArgs: MEMBER_ARGS });
    await node2.waitForState('Voting');

    const members = await waitForMembers(
      (list) => list.length === 3 && byId(list, 'node0')?.holdsLock === true && list.every((m) => m.height !== null && (m.state === 'Voting' || m.state === 'Validating')),
      'three members with node0 holding the lock',
    );
    assert.deepEqual(members.map((m) => m.nodeId), ['node0', 'node1', 'node2']);
    for (const member of members) {
      assert.equal(member.accountId, ACCOUNT_ID);
      assert.equal(member.holdsLock, member.nodeId === 'node0');
      assert.equal(member.neardVersion !== null, true, 'the stand-in names its version in /status');
      assert.ok(member.lastRenewalAt !== null && Math.abs(Date.now() - member.lastRenewalAt) < 10_000, 'last renewal in wall-clock time');
    }
    const records = await consul.listRecords(`kuutamod-members/${ACCOUNT_ID}/`);
    assert.ok(records.every((r) => typeof r.Session === 'string'), 'each record is held by a session');

    const table = await kuutamoctl(['--consul-url', cluster.consul.url, 'list']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NODE\s+STATE\s+LOCK\s+HEAD\s+LAG\s+RENEWED\s+KUUTAMOD\s+NEARD\s+ELIGIBLE\s+PUBLISHED$/);
    assert.match(lines[1]!, /^node0\s+Validating \(Validating\.Leased\)\s+yes\s+\d+\s+\d+\s+\S+ ago\s+\S+\s+\S+\s+yes\s+\S+ ago$/);
    assert.match(lines[2]!, /^node1\s+Voting \(Voting\.Contending\)\s+no\s+\d+\s+\d+\s+\S+ ago/);
    assert.match(lines[3]!, /^node2\s+Voting/);
    const json = await kuutamoctl(['--consul-url', cluster.consul.url, 'list', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const view = JSON.parse(json.stdout) as PoolView;
    assert.equal(view.lockHolder, 'node0');
    assert.deepEqual(view.members.map((m) => [m.nodeId, m.lockHolder, typeof m.lag]), [['node0', true, 'number'], ['node1', false, 'number'], ['node2', false, 'number']]);

    await node2.stop();
    assert.equal(byId((await readMembers(consul, ACCOUNT_ID)).members, 'node2'), undefined, 'a clean stop deleted the record before the daemon exited');

    const killedAt = Date.now();
    node1.process.kill('SIGKILL');
    await node1.exited;
    await waitForMembers((list) => byId(list, 'node1') === undefined, "node1's record deleted with its session", 2 * memberSessionTtlMs(PUBLISH_INTERVAL_MS) + 5_000);
    assert.ok(Date.now() - killedAt <= 2 * memberSessionTtlMs(PUBLISH_INTERVAL_MS) + PUBLISH_INTERVAL_MS, 'gone within 2 x TTL');

    await node0.stop();
    const none = await kuutamoctl(['--consul-url', cluster.consul.url, 'list']);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, `No members found for account ${ACCOUNT_ID}\n`);
  });
});
