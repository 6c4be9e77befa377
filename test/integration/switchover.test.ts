/**
 * Planned switchover (issue 8) against a real Consul, real daemons and the neard stand-in: kuutamoctl asks
 * its local daemon, the record goes through Consul, the old leader's neard lets go of the key before the
 * lock is freed, the candidate validates. Overlap is checked from the stand-in's shared validator log (every
 * validating period of every neard), not from what the daemons say. Also: the refusals, two operators at
 * once, cancel, a stalled candidate (the old leader takes the role back) and a handover in a window.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { createConsulClient, type ConsulClient } from '../../services/consul/client.js';
import { createHandover, readHandover, type HandoverRecord } from '../../services/pool/handover-record.js';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { waitForRecord as waitForHandover } from '../support/handover-wait.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { waitForMembers as waitForPoolMembers } from '../support/pool-members.js';
import { loadGenesis } from '../../localnet/neard/home.js';
import { ACCOUNT_ID, FAST_NEARD_ENV, waitForLeaderAndStandby, type Kuutamod } from '../support/kuutamod.js';
import { kuutamoctl, type CliResult } from '../support/kuutamoctl.js';
import { until, untilValue } from '../support/until.js';
import { checkNoOverlap as checkOverlapIn, type ValidatorPeriodEvent } from '../support/validator-periods.js';

/** Members publish often, so candidates are seen Voting soon after they are. */
const POOL_ARGS = ['--member-publish-interval', '500ms', '--handover-deadline', '15s'];

let cluster: DaemonCluster;
let consul: ConsulClient;
let validatorLog: string;

async function startPool(prefix: string): Promise<void> {
  cluster = await startDaemonCluster(prefix);
  consul = createConsulClient({ url: cluster.consul.url, requestTimeoutMs: 5_000 });
  validatorLog = join(cluster.dir, 'validators.jsonl');
}

afterEach(async () => {
  consul?.destroy();
  await cluster?.stop();
});

function startNode(nodeId: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<Kuutamod> {
  return cluster.startNode(nodeId, { extraArgs: [...POOL_ARGS, ...extraArgs], env: { NEARD_STANDIN_VALIDATOR_LOG: validatorLog, ...env } });
}

/** kuutamoctl run as an operator on `node`'s machine: it finds the control socket from the neard home. */
const ctl = (node: Kuutamod, args: string[]): Promise<CliResult> => kuutamoctl(['switchover', ...args], { KUUTAMO_NEARD_HOME: join(cluster.dir, node.nodeId) });

const waitForMembers = (predicate: (members: MemberRecord[]) => boolean, what: string, timeoutMs?: number) => waitForPoolMembers(consul, predicate, what, timeoutMs);

/** Every member reports a head and the standbys are synced and Voting: a switchover may be asked. */
const poolReady = (count: number) => (members: MemberRecord[]) =>
  members.length === count && members.every((m) => m.height !== null && m.syncing === false && (m.state === 'Voting' || m.state === 'Validating'));

const waitForRecord = (predicate: (record: HandoverRecord | undefined) => boolean, what: string, timeoutMs?: number) => waitForHandover(consul, predicate, what, timeoutMs);

const checkNoOverlap = (): ValidatorPeriodEvent[] => checkOverlapIn(validatorLog);

/**
 * Wait until the last neard to start validating is `node`'s (its start record follows the spawn the daemon
 * reports), checking for overlap each time; returns the log's events.
 */
async function waitForValidatorHome(node: Kuutamod, timeoutMs = 10_000): Promise<ValidatorPeriodEvent[]> {
  const home = join(cluster.dir, node.nodeId);
  let last: string | undefined;
  return untilValue(
    `the last validator to be ${home}`,
    () => {
      const events = checkNoOverlap();
      last = events.filter((e) => e.event === 'validator_start').at(-1)?.home;
      return last === home ? events : undefined;
    },
    { timeoutMs, intervalMs: 50, detail: () => `the last validator is ${last}` },
  );
}

async function twoNodePool(prefix: string, extraArgs: string[] = []): Promise<[Kuutamod, Kuutamod]> {
  await startPool(prefix);
  const node0 = await startNode('node0', extraArgs);
  const node1 = await startNode('node1', extraArgs);
  const pair = await waitForLeaderAndStandby(node0, node1);
  await waitForMembers(poolReady(2), 'two ready members');
  return pair;
}

describe('kuutamoctl switchover', () => {
  for (const hotSwap of [false, true]) {
    test(`--now --to the standby${hotSwap ? ' with --validator-key-hot-swap' : ''}: the old neard lets go of the key before the new one holds it`, async () => {
      const [leader, standby] = await twoNodePool('kuutamod-switchover-now-', hotSwap ? ['--validator-key-hot-swap'] : []);
      // Asked on the standby's machine: any node's daemon takes the request.
      const result = await ctl(standby, ['--now', '--to', standby.nodeId, '--wait']);
      assert.equal(result.code, 0, `kuutamoctl: ${result.stdout}${result.stderr}`);
      assert.match(result.stdout, new RegExp(`${leader.nodeId} -> ${standby.nodeId} now, phase requested`));
      assert.match(result.stdout, /phase done/);
      // --wait ends with the new leader's check after its takeover (issue 17).
      assert.match(result.stdout, new RegExp(`\n${standby.nodeId}: validating and producing: block #\\d+\n$`));
      await standby.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'the candidate validates');
      const old = await leader.waitFor((v) => v.state === 'Voting' && v.neardMode === 'voter', 'the old leader votes');
      assert.equal(old.holdsLock, false);
      assert.ok(old.sessionId, 'the old leader kept its session: it is a registered standby');
      await waitForValidatorHome(standby);
      const done = await waitForRecord((r) => r?.phase === 'done', 'record done');
      assert.equal(done?.message, `${standby.nodeId} validates`);
    });
  }

  test('without --to, the best standby takes the role (highest --failover-priority first)', async () => {
    await startPool('kuutamod-switchover-best-');
    const node0 = await startNode('node0');
    await node0.waitForState('Validating');
    const node1 = await startNode('node1');
    const node2 = await startNode('node2', ['--failover-priority', '5']);
    await Promise.all([node1.waitForState('Voting'), node2.waitForState('Voting')]);
    await waitForMembers(poolReady(3), 'three ready members');
    const result = await ctl(node0, ['--now', '--wait']);
    assert.equal(result.code, 0, `kuutamoctl: ${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /node0 -> node2 now/);
    await node2.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'node2 validates');
    const bystander = await node1.state();
    assert.equal(bystander.state, 'Voting');
    await waitForValidatorHome(node2);
  });

  test('--to a standby of lower priority: the higher-priority bystander does not take the freed lock', async () => {
    await startPool('kuutamod-switchover-bystander-');
    const node0 = await startNode('node0');
    await node0.waitForState('Validating');
    const node1 = await startNode('node1', ['--failover-priority', '9']);
    const node2 = await startNode('node2');
    await Promise.all([node1.waitForState('Voting'), node2.waitForState('Voting')]);
    await waitForMembers(poolReady(3), 'three ready members');
    const result = await ctl(node1, ['--now', '--to', 'node2', '--wait']);
    assert.equal(result.code, 0, `kuutamoctl: ${result.stdout}${result.stderr}`);
    await node2.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'node2 validates');
    await waitForValidatorHome(node2);
    assert.equal((await node1.state()).state, 'Voting');
    assert.ok(!node1.log().includes('state changed: Voting -> Validating'), 'node1 never took the lock');
    assert.match(node1.log(), /handover .*: releasing/);
  });

  test('refusals: no leader, unknown node, the leader itself, a handover under way; two requests at once: one wins; cancel', async () => {
    await startPool('kuutamod-switchover-refusals-');
    // A pool whose only node is still syncing has no leader yet; its control socket answers already.
    const lonely = await startNode('node0', [], { NEARD_STANDIN_SYNC_MS: '600000' });
    await lonely.waitForState('Syncing');
    const noLeader = await ctl(lonely, ['--now']);
    assert.equal(noLeader.code, 1);
    assert.match(noLeader.stderr, /has no leader \(kuutamod-leader\/pool\.test is held by no session\)/);
    await lonely.stop();

    const node1 = await startNode('node1');
    await node1.waitForState('Validating');
    const node2 = await startNode('node2');
    await node2.waitForState('Voting');
    await waitForMembers((m) => m.filter((x) => x.nodeId !== 'node0').length === 2 && poolReady(2)(m.filter((x) => x.nodeId !== 'node0')), 'node1 and node2 ready');

    const unknown = await ctl(node2, ['--now', '--to', 'nosuch']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /--to nosuch: no member of this pool has that node id \(members: .*node1, node2\)/);
    const self = await ctl(node2, ['--now', '--to', 'node1']);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /--to node1: node1 cannot take the role now: it is the leader\./);
    const badLength = await ctl(node2, ['--minimum-length', '0']);
    assert.equal(badLength.code, 1);
    assert.match(badLength.stderr, /--minimum-length 0: give a whole number of blocks, at least 1/);

    // A request waiting for a window far ahead (phase requested), written as the route writes it: it blocks
    // other requests and can be cancelled, once.
    const head = (await node1.state()).blockHeight ?? 0;
    const waiting: HandoverRecord = {
      id: 'far-window',
      from: 'node1',
      to: 'node2',
      mode: 'window',
      minimumLength: 10,
      window: { start: head + 100_000, end: head + 100_100 },
      requestedAt: Date.now(),
      requestedBy: 'test',
      phase: 'requested',
      deadlineAt: null,
      message: null,
    };
    assert.deepEqual(await createHandover(consul, ACCOUNT_ID, waiting), { created: true });
    const busy = await ctl(node2, ['--now', '--to', 'node2']);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /a handover is already under way: far-window from node1 to node2, phase requested/);
    const cancelled = await ctl(node1, ['--cancel']);
    assert.equal(cancelled.code, 0, `kuutamoctl: ${cancelled.stdout}${cancelled.stderr}`);
    assert.match(cancelled.stdout, /switchover far-window: node1 -> node2 in the maintenance window .*phase cancelled: cancelled by the operator/);
    const again = await ctl(node1, ['--cancel']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no switchover is waiting: nothing to cancel/);
    assert.equal((await node1.state()).state, 'Validating', 'a cancelled request moved nothing');

    // Two operators at once: exactly one request is written.
    await waitForMembers(poolReady(2), 'ready again');
    const leaderNow = (await node1.state()).state === 'Validating' ? node1 : node2;
    const standbyNow = leaderNow === node1 ? node2 : node1;
    const both = await Promise.all([ctl(node1, ['--now', '--to', standbyNow.nodeId]), ctl(node2, ['--now', '--to', standbyNow.nodeId])]);
    const codes = both.map((r) => r.code).sort();
    assert.deepEqual(codes, [0, 1], `one wins: ${JSON.stringify(both)}`);
    const loser = both.find((r) => r.code === 1)!;
    assert.match(loser.stderr, /already under way|at the same moment/);
    await waitForRecord((r) => r?.phase === 'done', 'the winning request done');
    await standbyNow.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'the candidate validates');
    checkNoOverlap();
  });

  test('a stalled candidate: the old leader takes the role back after --handover-deadline', async () => {
    await startPool('kuutamod-switchover-stalled-');
    const node0 = await startNode('node0', ['--handover-deadline', '3s']);
    await node0.waitForState('Validating');
    const node1 = await startNode('node1', ['--handover-deadline', '3s']);
    await node1.waitForState('Voting');
    await waitForMembers(poolReady(2), 'two ready members');
    // Frozen before the request: its member record still says Voting for a while (its TTL is at least 10 s).
    node1.process.kill('SIGSTOP');
    try {
      const result = await ctl(node0, ['--now', '--to', 'node1', '--wait']);
      assert.equal(result.code, 1, `kuutamoctl: ${result.stdout}${result.stderr}`);
      assert.match(result.stdout, /phase failed.*node1 did not validate (within 3s|by the deadline); node0 takes the role back/);
      const back = await node0.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'the old leader validates again');
      const record = await readHandover(consul, ACCOUNT_ID);
      const retaken = Date.parse(back.transitions.filter((t) => t.to === 'Validating').at(-1)!.at);
      assert.ok(record?.record.deadlineAt != null && retaken >= record.record.deadlineAt - 50, `retaken at ${retaken}, not before the deadline ${record?.record.deadlineAt}`);
    } finally {
      node1.process.kill('SIGCONT');
    }
    await node1.waitFor((v) => v.state === 'Voting', 'the thawed candidate votes');
    await waitForValidatorHome(node0);
  });
});

describe('switchover in a maintenance window', () => {
  test('waits for the window of the pool account and hands over inside it', async () => {
    await startPool('kuutamod-switchover-window-');
    // Epochs of 60 blocks (12 s at 200 ms); the pool produces at offsets 0 and 30 of each: windows of 29 blocks.
    const env = { NEARD_STANDIN_EPOCH_LENGTH: '60', NEARD_STANDIN_SCHEDULE: `${ACCOUNT_ID}:X29X29` };
    const node0 = await startNode('node0', [], env);
    await node0.waitForState('Validating');
    const node1 = await startNode('node1', [], env);
    await node1.waitForState('Voting');
    await waitForMembers(poolReady(2), 'two ready members');
    // Late in an epoch no window of 20 blocks is left before it ends: refused, as an operator would be; try again.
    let result: CliResult = { code: -1, stdout: '', stderr: '' };
    await until(
      'a switchover request not refused for want of a window',
      async () => {
        result = await ctl(node0, ['--in-window', '--minimum-length', '20', '--to', 'node1', '--wait']);
        return !/no maintenance window of at least 20 blocks/.test(result.stderr);
      },
      // An epoch is 12 s: asking every 2 s, a window is back within one epoch.
      { timeoutMs: 14_000, intervalMs: 2_000, detail: () => `kuutamoctl: ${result.stdout}${result.stderr}` },
    );
    assert.equal(result.code, 0, `kuutamoctl: ${result.stdout}${result.stderr}`);
    const window = /in the maintenance window \[(\d+), (\d+)\) \((\d+) blocks\)/.exec(result.stdout);
    assert.ok(window, result.stdout);
    const [start, end] = [Number(window[1]), Number(window[2])];
    assert.ok(end - start >= 20, `a window of at least 20 blocks: ${window[0]}`);
    // The old neard let go of the key, and the new one took it, at heights inside the window: the stand-in's
    // head is a pure function of the time (genesis time + height x block interval).
    const events = await waitForValidatorHome(node1);
    const genesis = loadGenesis(join(cluster.dir, 'node0', 'genesis.json'));
    const heightAt = (tMs: number) => genesis.genesisHeight + Math.floor((tMs - genesis.genesisTimeMs) / Number(FAST_NEARD_ENV.NEARD_STANDIN_BLOCK_MS));
    const stop = events.filter((e) => e.event === 'validator_stop' && e.home === join(cluster.dir, 'node0')).at(-1);
    const takeover = events.filter((e) => e.event === 'validator_start' && e.home === join(cluster.dir, 'node1')).at(-1);
    assert.ok(stop && takeover, 'the old leader stopped and the candidate started validating');
    for (const [what, event] of [['old neard let go', stop], ['new neard took over', takeover]] as const) {
      const height = heightAt(event.t_ms);
      assert.ok(height >= start && height < end, `${what} at height ${height}, outside the window [${start}, ${end})`);
    }
  });

  test('the windows RPC missing: a clear refusal that names the neard and says --now still works', async () => {
    await startPool('kuutamod-switchover-norpc-');
    const env = { NEARD_STANDIN_WINDOWS_RPC: 'absent' };
    const node0 = await startNode('node0', [], env);
    await node0.waitForState('Validating');
    const node1 = await startNode('node1', [], env);
    await node1.waitForState('Voting');
    await waitForMembers(poolReady(2), 'two ready members');
    const result = await ctl(node0, ['--to', 'node1']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot read the maintenance windows from this node's neard at http:\/\/127\.0\.0\.1:\d+.*--now still works/);
    assert.equal(await readHandover(consul, ACCOUNT_ID), undefined, 'nothing written');
  });
});

