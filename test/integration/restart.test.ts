/**
 * `kuutamoctl restart` and `maintenance-status` end to end: a real Consul, real daemons, the neard
 * stand-in with a block schedule for the pool's account (busy one height in 21: windows of 20 blocks)
 * and the real kuutamoctl talking over the control socket. A standby's neard stops inside the chosen
 * window, is started again by the chart, config.json is back byte for byte and the node votes again;
 * --schedule-at and --cancel are confirmed on neard's own /metrics; a windows RPC that is missing,
 * failing or answering garbage, or an epoch without a window left, is refused with nothing written;
 * on the leader a pinned height is refused (its restart is a switchover: leader-restart.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { objectField, parseJsonObject, patchJsonObjectFile, readJsonObjectFile, stringField } from '../../services/json-object.js';
import { PLANNED_SHUTDOWN_FILE } from '../../services/neard/planned-shutdown-file.js';
import { LEADER_SCHEDULE_AT_REFUSAL } from '../../src/control/leader-restart.js';
import type { MaintenanceStatus } from '../../src/control/maintenance-status.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { ACCOUNT_ID, startKuutamod, waitForLeaderAndStandby, type Kuutamod } from '../support/kuutamod.js';
import { kuutamoctl, type CliResult } from '../support/kuutamoctl.js';
import { parseMetricsText, sampleValue, scrape } from '../support/metrics-text.js';
import { until } from '../support/until.js';

/** The pool's account is busy (block and chunk) at epoch offsets 0, 21, 42, ...: windows of 20 blocks. */
const CYCLE = 21;
const SCHEDULE = { NEARD_STANDIN_SCHEDULE: `${ACCOUNT_ID}:X${CYCLE - 1}` };
/** Twenty cycles per epoch (84 s at the tests' 200 ms blocks): twenty windows. */
const EPOCH_LENGTH = CYCLE * 20;

let cluster: DaemonCluster;
let leader: Kuutamod;
let standby: Kuutamod;
let genesisHeight: number;

const homeOf = (daemon: Kuutamod): string => join(cluster.dir, daemon.nodeId);
const configText = (daemon: Kuutamod): string => readFileSync(join(homeOf(daemon), 'config.json'), 'utf8');

/** neard's RPC URL, from the home's config.json as the daemon reads it. */
function rpcUrlOf(daemon: Kuutamod): string {
  const path = join(homeOf(daemon), 'config.json');
  return `http://${stringField(objectField(readJsonObjectFile(path), 'rpc', path), 'addr', path)}`;
}

async function neardMetrics(daemon: Kuutamod): Promise<{ head: number; reloads: number; expectedShutdown: number }> {
  const samples = parseMetricsText(await scrape(rpcUrlOf(daemon)));
  const value = (name: string): number => {
    const found = sampleValue(samples, name);
    assert.ok(found !== undefined, `neard exports ${name}`);
    return found;
  };
  return { head: value('near_block_height_head'), reloads: value('near_config_reloads_total'), expectedShutdown: value('near_block_expected_shutdown') };
}

/** Whether the account has a block or chunk to produce at `height`, computed from the genesis, not asked of neard. */
function accountBusyAt(height: number): boolean {
  const offsetInEpoch = (height - genesisHeight - 1) % EPOCH_LENGTH;
  return offsetInEpoch % CYCLE === 0;
}

/**
 * Wait until at least three full windows are left in the head's epoch, so "the first window of at least N
 * blocks" has one to find (windows end with the epoch).
 */
async function awayFromEpochEnd(daemon: Kuutamod): Promise<void> {
  await until('three full windows left in the epoch', async () => {
    const offsetInEpoch = ((await neardMetrics(daemon)).head - genesisHeight - 1) % EPOCH_LENGTH;
    return offsetInEpoch < EPOCH_LENGTH - 3 * CYCLE;
  }, { timeoutMs: 30_000, intervalMs: 100 });
}

const restartCtl = (daemon: Kuutamod, ...args: string[]): Promise<CliResult> => kuutamoctl(['restart', '--neard-home', homeOf(daemon), ...args]);

/** A standby of its own with extra stand-in knobs, voting with a synced neard. */
async function startStandby(nodeId: string, env: Record<string, string>): Promise<Kuutamod> {
  const daemon = await cluster.startNode(nodeId, { env: { ...SCHEDULE, ...env } });
  await daemon.waitFor((view) => view.state === 'Voting' && view.neardPid !== null, 'Voting with neard running');
  return daemon;
}

function assertNothingWritten(daemon: Kuutamod, configBefore: string): void {
  assert.equal(configText(daemon), configBefore, 'config.json untouched');
  assert.equal(existsSync(join(homeOf(daemon), PLANNED_SHUTDOWN_FILE)), false, 'no planned-shutdown record');
}

before(async () => {
  cluster = await startDaemonCluster('kuutamod-restart-');
  const genesisFile = join(cluster.pool.validatorKey, '..', 'genesis.json');
  // Before any node home copies the genesis: every stand-in of the pool agrees on the epochs.
  patchJsonObjectFile(genesisFile, (genesis) => {
    genesis['epoch_length'] = EPOCH_LENGTH;
  });
  genesisHeight = Number(readJsonObjectFile(genesisFile)['genesis_height']);
  assert.ok(Number.isSafeInteger(genesisHeight), 'genesis_height in genesis.json');
  const first = await cluster.startNode('node0', { env: SCHEDULE });
  await first.waitForState('Validating');
  const second = await cluster.startNode('node1', { env: SCHEDULE });
  [leader, standby] = await waitForLeaderAndStandby(first, second);
});

after(async () => {
  await cluster?.stop();
});

describe('kuutamoctl restart', () => {
  test('on the leader --schedule-at is refused: its restart is a switchover in a window (leader-restart.test.ts)', async () => {
    const before = configText(leader);
    const result = await restartCtl(leader, '--schedule-at', '999999999');
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `kuutamoctl: error: ${LEADER_SCHEDULE_AT_REFUSAL}\n`);
    assertNothingWritten(leader, before);
    assert.equal((await leader.state()).state, 'Validating');
  });

  test('maintenance-status says nothing is scheduled, in words and as JSON', async () => {
    const words = await kuutamoctl(['maintenance-status'], { KUUTAMO_NEARD_HOME: homeOf(standby) });
    assert.equal(words.code, 0, words.stderr);
    assert.match(words.stdout, new RegExp(`^node ${standby.nodeId} \\(Voting\\), neard pid \\d+\\nnothing scheduled \\(head \\d+\\)\\n$`));
    const json = await kuutamoctl(['--json', 'maintenance-status', '--control-socket', join(homeOf(standby), 'kuutamod.sock')]);
    assert.equal(json.code, 0, json.stderr);
    const status = JSON.parse(json.stdout) as MaintenanceStatus;
    assert.equal(status.planned, null);
    assert.equal(status.configExpectedShutdown, null);
    assert.equal(status.neardExpectedShutdown, null);
    assert.equal(status.state, 'Voting');
  });

  test('on a standby: neard stops inside the first window long enough, is started again, config.json is restored, the node votes again', async () => {
    const before = configText(standby);
    const viewBefore = await standby.state();
    await awayFromEpochEnd(standby);
    const result = await restartCtl(standby, '10', '--wait');
    assert.equal(result.code, 0, result.stderr);
    const plan = /will stop at height (\d+) and be started again by kuutamod: the first maintenance window of at least 10 blocks \[(\d+), (\d+)\) \((\d+) blocks\); head (\d+)/.exec(result.stdout);
    assert.ok(plan, result.stdout);
    const [height, start, end] = [Number(plan[1]), Number(plan[2]), Number(plan[3])];
    assert.ok(start <= height && height < end && end - start >= 10, `height ${height} in [${start}, ${end})`);
    for (let h = start; h < end; h++) assert.equal(accountBusyAt(h), false, `the account has nothing to produce at ${h} (in the window)`);
    assert.equal(accountBusyAt(end), true, 'the window ends at the next duty');
    assert.match(result.stdout, new RegExp(`neard \\(pid ${viewBefore.neardPid}\\) stopped`));
    assert.match(result.stdout, /neard started again \(pid \d+\)/);
    assert.match(result.stdout, new RegExp(`config\\.json restored: expected_shutdown none\\n(node ${standby.nodeId} is \\w+\\n)*node ${standby.nodeId} is Voting\\n$`));
    // neard stopped by itself at the height (its own log line, in the daemon's log), inside the window.
    const triggered = new RegExp(`Expected shutdown triggered: head block\\((\\d+)\\) >= \\(${height}\\)`).exec(standby.log());
    assert.ok(triggered, 'neard logged its expected shutdown');
    const stoppedAt = Number(triggered[1]);
    assert.ok(stoppedAt >= height && stoppedAt < end, `stopped at ${stoppedAt}, inside [${start}, ${end})`);
    assert.equal(configText(standby), before, 'config.json byte for byte as before');
    assert.equal(existsSync(join(homeOf(standby), PLANNED_SHUTDOWN_FILE)), false);
    const view = await standby.waitForState('Voting');
    assert.ok(view.neardRestarts > viewBefore.neardRestarts);
    assert.notEqual(view.neardPid, viewBefore.neardPid);
    assert.equal((await neardMetrics(standby)).expectedShutdown, 0, 'the new neard holds no expected_shutdown');
    assert.equal((await leader.state()).state, 'Validating', 'the leader never noticed');
  });

  test('--schedule-at is confirmed on neard, shown by maintenance-status, and --cancel takes it back', async () => {
    const before = configText(standby);
    const { head, reloads } = await neardMetrics(standby);
    const tooLow = await restartCtl(standby, '--schedule-at', String(head));
    assert.equal(tooLow.code, 1);
    assert.match(tooLow.stderr, new RegExp(`^kuutamoctl: error: --schedule-at ${head} is not above neard's head \\d+\\. Give a height above \\d+\\. Nothing was scheduled\\.\\n$`));
    assertNothingWritten(standby, before);

    const height = head + 100;
    const scheduled = await restartCtl(standby, '--schedule-at', String(height));
    assert.equal(scheduled.code, 0, scheduled.stderr);
    assert.match(scheduled.stdout, new RegExp(`will stop at height ${height} and be started again by kuutamod: the height given with --schedule-at; head \\d+`));
    const metrics = await neardMetrics(standby);
    assert.equal(metrics.expectedShutdown, height);
    assert.ok(metrics.reloads > reloads, 'neard reloaded its config');
    assert.equal(readJsonObjectFile(join(homeOf(standby), 'config.json'))['expected_shutdown'], height);

    const status = await kuutamoctl(['maintenance-status', '--neard-home', homeOf(standby)]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`scheduled: neard stops at height ${height} \\(config\\.json and neard agree; set by kuutamoctl restart\\)`));
    assert.match(status.stdout, /head \d+: \d+ blocks left, about [\d.]+ s at 0\.[12]\d s per block/);
    assert.match(status.stdout, /afterwards config\.json gets expected_shutdown none again/);

    const again = await restartCtl(standby, '--schedule-at', String(height + 5));
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`a restart is already scheduled at height ${height}: cancel it first`));

    const pid = (await standby.state()).neardPid;
    const cancelled = await restartCtl(standby, '--cancel');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(cancelled.stdout, `cancelled the restart at height ${height}: config.json expected_shutdown back to none; neard reloaded its config: near_block_expected_shutdown 0.\n`);
    assert.equal((await neardMetrics(standby)).expectedShutdown, 0);
    assert.equal(configText(standby), before, 'config.json byte for byte as before');
    assertNothingWritten(standby, before);
    const nothing = await restartCtl(standby, '--cancel');
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /no restart is scheduled by kuutamod on this node/);
    assert.equal((await standby.state()).neardPid, pid, 'neard kept running');
  });

  test('MINIMUM_LENGTH longer than every window: the longest one is taken, and the output says so', async () => {
    const before = configText(standby);
    await awayFromEpochEnd(standby);
    const result = await restartCtl(standby, String(CYCLE * 2));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`no window of ${CYCLE * 2} blocks is left in this epoch: the longest one \\(${CYCLE - 1} blocks\\) \\[\\d+, \\d+\\) \\(${CYCLE - 1} blocks\\)`));
    assert.equal((await restartCtl(standby, '--cancel')).code, 0);
    assert.equal(configText(standby), before);
  });

  test('neard that does not confirm the height (a dyn_config.json overrides config.json): everything undone, non-zero', async () => {
    const before = configText(standby);
    const dynConfig = join(homeOf(standby), 'dyn_config.json');
    const { head } = await neardMetrics(standby);
    const operatorValue = head + 1_000;
    writeFileSync(dynConfig, JSON.stringify({ expected_shutdown: operatorValue }));
    try {
      const result = await restartCtl(standby, '--schedule-at', String(head + 100));
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(`^kuutamoctl: error: neard \\(pid \\d+\\) did not confirm expected_shutdown ${head + 100} within 10s \\(near_config_reloads_total \\d+ \\(was \\d+\\), near_block_expected_shutdown ${operatorValue}\\); nothing is scheduled: config\\.json restored \\(expected_shutdown none\\)`),
      );
      assertNothingWritten(standby, before);
    } finally {
      rmSync(dynConfig);
      // Back to what config.json says, as an operator would after removing the file.
      process.kill((await standby.state()).neardPid!, 'SIGHUP');
    }
    await until('neard to hold no expected_shutdown again', async () => (await neardMetrics(standby)).expectedShutdown === 0, { timeoutMs: 10_000, intervalMs: 100 });
  });

  test('a daemon restarted after the schedule does not lose track: config.json is restored before neard starts again', async () => {
    const node = await startStandby('daemon-restart', {});
    const before = configText(node);
    const height = (await neardMetrics(node)).head + 200;
    assert.equal((await restartCtl(node, '--schedule-at', String(height))).code, 0);
    await node.stop();
    assert.equal(readJsonObjectFile(join(homeOf(node), 'config.json'))['expected_shutdown'], height, 'the schedule outlived the daemon');
    const again = await startKuutamod({ consulUrl: cluster.consul.url, nodeId: node.nodeId, pool: cluster.pool, node: { home: homeOf(node), voterNodeKey: join(homeOf(node), 'voter_node_key.json') }, env: SCHEDULE });
    cluster.daemons.push(again);
    try {
      await again.waitFor((view) => view.state === 'Voting' && view.neardPid !== null, 'Voting with neard running');
      // The new daemon has its own voter address (free ports); everything else is as before.
      const withoutNetworkAddr = (text: string) => {
        const config = parseJsonObject(text, 'config.json');
        delete objectField(config, 'network', 'config.json')['addr'];
        return config;
      };
      assert.deepEqual(withoutNetworkAddr(configText(again)), withoutNetworkAddr(before));
      assert.equal(existsSync(join(homeOf(again), PLANNED_SHUTDOWN_FILE)), false);
      assert.equal((await neardMetrics(again)).expectedShutdown, 0);
      assert.match(again.log(), new RegExp(`planned shutdown at ${height} taken back from config\\.json: expected_shutdown back to none`));
    } finally {
      await again.stop();
    }
  });

  for (const [mode, expected] of [
    ['absent', /has no maintenance-windows RPC \(an older neard\)/],
    ['error', /maintenance_windows: HTTP 500, error/],
    ['garbage', /maintenance_windows answered .*is not a block range/],
  ] as const) {
    test(`a windows RPC that is ${mode}: a message naming neard's URL, nothing written, --schedule-at still works`, async () => {
      const node = await startStandby(`windows-${mode}`, { NEARD_STANDIN_WINDOWS_RPC: mode });
      try {
        const before = configText(node);
        const result = await restartCtl(node);
        assert.equal(result.code, 1);
        assert.ok(result.stderr.includes(`neard ${rpcUrlOf(node)}`), result.stderr);
        assert.match(result.stderr, expected);
        assert.match(result.stderr, /Nothing was scheduled\. Give a height above the head with --schedule-at instead\.\n$/);
        assertNothingWritten(node, before);
        const height = (await neardMetrics(node)).head + 100;
        const scheduled = await restartCtl(node, '--schedule-at', String(height));
        assert.equal(scheduled.code, 0, scheduled.stderr);
        assert.equal((await neardMetrics(node)).expectedShutdown, height);
        assert.equal((await restartCtl(node, '--cancel')).code, 0);
        assert.equal(configText(node), before);
      } finally {
        await node.stop();
      }
    });
  }

  test('no window left in the epoch, or a config.json that is not JSON: said so, nothing written', async () => {
    // Busy at every height: neard reports no window at all.
    const node = await startStandby('always-busy', { NEARD_STANDIN_SCHEDULE: `${ACCOUNT_ID}:X` });
    try {
      const before = configText(node);
      const result = await restartCtl(node, '5');
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`no maintenance window is left in this epoch for ${ACCOUNT_ID} \\(neard ${rpcUrlOf(node).replace(/\./g, '\\.')}, head \\d+\\)`));
      assertNothingWritten(node, before);
      // A config.json broken by hand: named, and left as it is.
      const height = (await neardMetrics(node)).head + 100;
      const broken = `${before.slice(0, 40)} <- cut here`;
      writeFileSync(join(homeOf(node), 'config.json'), broken);
      const refused = await restartCtl(node, '--schedule-at', String(height));
      assert.equal(refused.code, 1);
      assert.ok(refused.stderr.startsWith(`kuutamoctl: error: ${join(homeOf(node), 'config.json')} is not valid JSON (`), refused.stderr);
      assert.equal(configText(node), broken);
      assert.equal(existsSync(join(homeOf(node), PLANNED_SHUTDOWN_FILE)), false);
    } finally {
      await node.stop();
    }
  });
});
