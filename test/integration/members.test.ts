/**
 * Pool membership against a real Consul and real daemons (issue 8): every node publishes its record under
 * kuutamod-members/<account>/, the lock holder's record says so, a clean stop removes the record at once,
 * and a SIGKILLed daemon's record is deleted by Consul with its member session, within 2 x TTL.
 * Eligibility: a --no-failover node never validates, even as the last node, and says so; a lagging node
 * (the stand-in's NEARD_STANDIN_LAG_BLOCKS) stands aside while an eligible standby lives, and takes over
 * once none is left.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createConsulClient, type ConsulClient } from '../../services/consul/client.js';
import { memberSessionTtlMs } from '../../services/pool/member-publisher.js';
import { readMembers, type MemberRecord } from '../../services/pool/member-record.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { waitForMembers as waitForPoolMembers } from '../support/pool-members.js';
import { ACCOUNT_ID, startKuutamod, type Kuutamod } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import type { PoolView } from '../../src/pool-view.js';
import { until } from '../support/until.js';

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
      (list) =>
        list.length === 3 &&
        byId(list, 'node0')?.holdsLock === true &&
        byId(list, 'node0')?.production?.health != null &&
        list.every((m) => m.height !== null && m.eligible && (m.state === 'Voting' || m.state === 'Validating')),
      'three members with node0 holding the lock and publishing its production',
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
    assert.match(lines[0]!, /^NODE\s+STATE\s+LOCK\s+HEAD\s+LAG\s+RENEWED\s+KUUTAMOD\s+NEARD\s+ELIGIBLE\s+HOTSWAP\s+PRODUCTION\s+PUBLISHED$/);
    // The leader's own production (Validating.Leased's substate says the same): checking, producing or degraded: why.
    assert.match(lines[1]!, /^node0\s+Validating \(Validating\.Leased\.(Checking|Producing|Degraded)\)\s+yes\s+\d+\s+\d+\s+\S+ ago\s+\S+\s+\S+\s+yes\s+-\s+(checking|producing|degraded: .+)\s+\S+ ago$/);
    assert.match(lines[2]!, /^node1\s+Voting \(Voting\.Contending\)\s+no\s+\d+\s+\d+\s+\S+ ago/);
    assert.match(lines[3]!, /^node2\s+Voting/);
    const json = await kuutamoctl(['--consul-url', cluster.consul.url, 'list', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const view = JSON.parse(json.stdout) as PoolView;
    assert.equal(view.lockHolder, 'node0');
    assert.deepEqual(view.members.map((m) => [m.nodeId, m.lockHolder, typeof m.lag]), [['node0', true, 'number'], ['node1', false, 'number'], ['node2', false, 'number']]);
    // --json carries each record's production as published (a standby's verdict comes with its next write).
    const leaderProduction = view.members[0]!.production;
    assert.ok(leaderProduction !== null && leaderProduction.health !== null && leaderProduction.verdict === null, JSON.stringify(leaderProduction));
    assert.ok(view.members.every((m) => 'production' in m));

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

/** Until `node`'s own record was written after `since` (its pool read, and so its ELIGIBILITY, follows each write). */
async function republishedAfter(nodeId: string, since: number): Promise<MemberRecord> {
  const members = await waitForMembers((list) => (byId(list, nodeId)?.publishedAt ?? 0) > since + PUBLISH_INTERVAL_MS, `${nodeId} to publish again`);
  return byId(members, nodeId)!;
}

/** The daemon's own log messages (not neard's lines), one a line: what an assertion on the log shows when it fails. */
const messagesOf = (daemon: Kuutamod) =>
  daemon
    .log()
    .split('\n')
    .flatMap((line) => (line.startsWith('{') ? [String((JSON.parse(line) as { msg?: unknown }).msg)] : []))
    .join('\n');

/** Wait until one of the daemon's own messages (not neard's lines) matches `pattern`. */
async function waitForMessage(daemon: Kuutamod, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  await until(`${daemon.nodeId}: a log message matching ${String(pattern)}`, () => pattern.test(messagesOf(daemon)), {
    timeoutMs,
    intervalMs: 100,
    detail: () => messagesOf(daemon),
  });
}

const everValidated = (daemon: Kuutamod) => /state changed: Voting -> Validating/.test(daemon.log());

describe('a restarted node', () => {
  test("after a SIGKILL, the new run takes its record over at once from the previous run's member session", async () => {
    const first = await cluster.startNode('again3', { extraArgs: MEMBER_ARGS });
    await first.waitForState('Validating');
    const before = byId(await waitForMembers((list) => byId(list, 'again3')?.state === 'Validating', 'again3 published'), 'again3')!;
    first.process.kill('SIGKILL');
    await first.exited;
    const node = { home: join(cluster.dir, 'again3'), voterNodeKey: join(cluster.dir, 'again3', 'voter_node_key.json') };
    const second = await startKuutamod({ consulUrl: cluster.consul.url, nodeId: 'again3', pool: cluster.pool, node, extraArgs: MEMBER_ARGS });
    cluster.daemons.push(second);
    await second.waitFor(() => true, 'the second run answers');
    // Well within the old member session's TTL (10 s, gone only after up to 20 s): the new run's record is there.
    const restartedAt = Date.now();
    const after = byId(await waitForMembers((list) => (byId(list, 'again3')?.publishedAt ?? 0) > before.publishedAt && byId(list, 'again3')?.state !== 'Validating', 'the new run published', 5_000), 'again3')!;
    assert.ok(Date.now() - restartedAt < 5_000);
    assert.notEqual(after.state, 'Validating');
    assert.match(messagesOf(second), /destroyed the member session of a previous run of this node/);
    await second.stop();
  });
});

describe('eligibility', () => {
  test('a --no-failover node never validates, even when it is the only one left, and says so', async () => {
    const leader = await cluster.startNode('keep0', { extraArgs: MEMBER_ARGS });
    await leader.waitForState('Validating');
    const spare = await cluster.startNode('spare0', { extraArgs: [...MEMBER_ARGS, '--no-failover'] });
    await spare.waitFor((v) => v.detail === 'Voting.Standing', 'spare0 registered and standing aside');
    const record = byId(await waitForMembers((list) => byId(list, 'spare0')?.noFailover === true && byId(list, 'spare0')?.state === 'Voting', 'the spare listed'), 'spare0')!;
    assert.equal(record.eligible, false);
    assert.equal(record.ineligibleReason, 'started with --no-failover');
    assert.equal((await fetch(`${spare.url}/standby`)).status, 503, '/standby: not eligible');

    await leader.stop();
    const stoppedAt = Date.now();
    await republishedAfter('spare0', stoppedAt);
    const view = await spare.state();
    assert.equal(view.detail, 'Voting.Standing', 'still standing aside with nobody left');
    assert.equal(view.holdsLock, false);
    const leaderNow = await kuutamoctl(['--consul-url', cluster.consul.url, 'active-validator']);
    assert.equal(leaderNow.code, 1, 'nobody validates');
    assert.ok(!everValidated(spare), 'the spare never validated');
    assert.match(spare.log(), /--no-failover: this node never takes the validator lock, although no other eligible standby is left to take over/);
    await spare.stop();
  });

  test('of two eligible standbys, the one with the higher --failover-priority takes over', async () => {
    const leader = await cluster.startNode('lead2', { extraArgs: MEMBER_ARGS });
    await leader.waitForState('Validating');
    const low = await cluster.startNode('low2', { extraArgs: MEMBER_ARGS });
    const high = await cluster.startNode('high2', { extraArgs: [...MEMBER_ARGS, '--failover-priority', '2'] });
    await high.waitFor((v) => v.detail === 'Voting.Contending', 'high2 contending');
    await low.waitFor((v) => v.detail === 'Voting.Yielding', 'low2 yielding to high2');
    assert.match(messagesOf(low), /contending for the validator lock after a head start for high2 \(higher --failover-priority\)/);
    assert.equal((await fetch(`${low.url}/standby`)).status, 200, 'a yielding standby is still a standby');

    await leader.stop();
    await high.waitForState('Validating');
    assert.ok(!everValidated(low), 'the lower priority did not take the lock');
    await Promise.all([low.stop(), high.stop()]);
  });

  test('a lagging standby stands aside while an eligible one lives, and takes over when none is left', async () => {
    const leader = await cluster.startNode('lead1', { extraArgs: MEMBER_ARGS });
    await leader.waitForState('Validating');
    const eligible = await cluster.startNode('fast1', { extraArgs: MEMBER_ARGS });
    await eligible.waitForState('Voting');
    // 200 blocks behind (the tests' blocks are 200 ms), far past the default --max-lag-blocks of 50.
    const lagging = await cluster.startNode('slow1', { extraArgs: MEMBER_ARGS, env: { NEARD_STANDIN_LAG_BLOCKS: '200' } });
    await lagging.waitFor((v) => v.detail === 'Voting.Standing', 'slow1 standing aside');
    const slow = byId(await waitForMembers((list) => byId(list, 'slow1')?.state === 'Voting' && byId(list, 'slow1')?.eligible === false, 'slow1 listed as not eligible'), 'slow1')!;
    assert.match(slow.ineligibleReason ?? '', /^\d+ blocks behind the best head \(more than --max-lag-blocks 50\)$/);
    const table = await kuutamoctl(['--consul-url', cluster.consul.url, 'list']);
    assert.match(table.stdout, /^slow1\s+Voting \(Voting\.Standing\)\s+no\s+\d+\s+\d+\s.*no: \d+ blocks behind/m);
    const lag = Number(/^slow1(?:\s+\S+){4}\s+(\d+)/m.exec(table.stdout)?.[1]);
    assert.ok(lag > 50, `slow1 listed ${lag} blocks behind`);
    assert.match(messagesOf(lagging), /not contending for the validator lock: \d+ blocks behind the best head .*; 1 other eligible standby\(s\) alive/);

    // The leader goes: the eligible standby takes over, the lagging one does not.
    await leader.stop();
    await eligible.waitForState('Validating');
    assert.ok(!everValidated(lagging), 'the lagging standby did not take over while an eligible one lived');

    // No eligible standby is left (the new leader cannot take over from itself): the lagging one contends
    // again, and says why; with the leader gone it takes over (an outage is worse than a lagging validator).
    await waitForMessage(lagging, /contending for the validator lock although \d+ blocks behind the best head .*: no eligible standby is left, and an outage is worse than a lagging validator/);
    assert.equal((await lagging.state()).detail, 'Voting.Contending');
    await eligible.stop();
    await lagging.waitForState('Validating', 30_000);
    await lagging.stop();
  });
});
