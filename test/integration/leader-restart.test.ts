/**
 * `kuutamoctl restart` on the validating node: not kneard's stop-and-fail-over but a planned switchover
 * to the standby at the start of a maintenance window, whose demotion restarts the old leader's neard.
 * Real Consul, real daemons, stand-in neards with a block schedule (the pool's account busy one height
 * in 21: windows of 20 blocks), the real kuutamoctl over the control socket.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createConsulClient } from '../../services/consul/client.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { ACCOUNT_ID, waitForLeaderAndStandby } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import { waitForMembers } from '../support/pool-members.js';

const SCHEDULE = { NEARD_STANDIN_SCHEDULE: `${ACCOUNT_ID}:X20` };

let cluster: DaemonCluster;

before(async () => {
  cluster = await startDaemonCluster('kuutamod-leader-restart-');
});

after(async () => {
  await cluster?.stop();
});

test('restart on the leader hands the role over in a window, and the old leader runs a new neard as a standby', { timeout: 180_000 }, async (t) => {
  const first = await cluster.startNode('node0', { env: SCHEDULE });
  await first.waitForState('Validating');
  const second = await cluster.startNode('node1', { env: SCHEDULE });
  const [leader, standby] = await waitForLeaderAndStandby(first, second);
  const neardBefore = (await leader.state()).neardPid;
  // The daemon picks the candidate from the published member records, which follow /state within a second.
  const consul = createConsulClient({ url: cluster.consul.url, requestTimeoutMs: 5_000 });
  try {
    await waitForMembers(consul, (members) => members.some((m) => m.nodeId === standby.nodeId && m.state === 'Voting' && m.syncing === false), 'the standby published as synced and voting');
  } finally {
    consul.destroy();
  }

  const result = await kuutamoctl(['restart', '--wait', '--neard-home', join(cluster.dir, leader.nodeId)]);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  t.diagnostic(`kuutamoctl restart --wait on ${leader.nodeId}:\n${result.stdout}`);
  assert.match(result.stdout, /^this node validates: its restart is a planned switchover/);
  assert.match(result.stdout, new RegExp(`switchover [0-9a-f-]+: ${leader.nodeId} -> ${standby.nodeId} in the maintenance window \\[\\d+, \\d+\\)`));
  assert.match(result.stdout, /phase done/);
  assert.match(result.stdout, /the role moved; this node runs neard again as a standby\.\n/);
  // Then the new leader's check after its takeover (issue 17): its first block or chunk, with the head.
  assert.match(result.stdout, new RegExp(`waiting up to \\d+ s for ${standby.nodeId}'s check after its takeover`));
  assert.match(result.stdout, new RegExp(`\n${standby.nodeId}: validating and producing: block #\\d+\n$`));

  const newLeader = await standby.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'the standby validates');
  assert.equal(newLeader.holdsLock, true);
  const old = await leader.waitFor((v) => v.state === 'Voting' && v.neardMode === 'voter' && v.neardPid !== null, 'the old leader votes with a new neard');
  assert.notEqual(old.neardPid, neardBefore, 'the old leader runs a new neard process');
});
