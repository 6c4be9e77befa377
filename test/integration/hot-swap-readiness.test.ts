/**
 * Hot-swap standbys that can produce chunks after the SIGHUP (issue 17), against a real Consul and real
 * daemons on the neard stand-in: a standby whose config.json tracks no shards is said at start (ERROR),
 * published and listed as not ready, exports kuutamod_hot_swap_ready 0, and is still promoted by hot swap
 * when the leader goes (warn, never refuse: docs/operations.md); one whose config.json tracks all shards is
 * ready. And the stand-in's own `neard localnet` makes homes that are ready, unless told to track none.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createConsulClient, type ConsulClient } from '../../services/consul/client.js';
import { patchJsonObjectFile, readJsonObjectFile } from '../../services/json-object.js';
import { trackedShardsReadiness } from '../../services/neard/tracked-shards.js';
import type { MemberRecord } from '../../services/pool/member-record.js';
import type { PoolView } from '../../src/pool-view.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { ACCOUNT_ID, createNodeHome, NEARD_STANDIN, startKuutamod, type Kuutamod } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import { parseMetricsText, sampleValue, scrape } from '../support/metrics-text.js';
import { waitForMembers as waitForPoolMembers } from '../support/pool-members.js';

const HOT_SWAP_ARGS = ['--validator-key-hot-swap', '--member-publish-interval', '1s'];

let cluster: DaemonCluster;
let consul: ConsulClient;

before(async () => {
  cluster = await startDaemonCluster('kuutamod-hot-swap-ready-');
  consul = createConsulClient({ url: cluster.consul.url, requestTimeoutMs: 5_000 });
});

after(async () => {
  consul.destroy();
  await cluster.stop();
});

const byId = (members: MemberRecord[], nodeId: string) => members.find((m) => m.nodeId === nodeId);

/** A daemon with hot swap on, its home's config.json changed by `tracking` first (undefined: as `neard init` writes it). */
async function startHotSwapNode(nodeId: string, tracking?: Record<string, unknown>): Promise<Kuutamod> {
  const node = await createNodeHome(cluster.dir, nodeId, cluster.pool);
  if (tracking) patchJsonObjectFile(join(node.home, 'config.json'), (config) => Object.assign(config, tracking));
  const daemon = await startKuutamod({ consulUrl: cluster.consul.url, nodeId, pool: cluster.pool, node, extraArgs: HOT_SWAP_ARGS });
  cluster.daemons.push(daemon);
  return daemon;
}

/** What the daemon's hot-swap check logged (JSON log lines of its target). */
const hotSwapLines = (daemon: Kuutamod) =>
  daemon
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; target?: string })
    .filter((line) => line.target === 'kuutamod::hot-swap')
    .map(({ level, msg }) => ({ level, msg }));

const hotSwapGauge = async (daemon: Kuutamod) => sampleValue(parseMetricsText(await scrape(daemon.url)), 'kuutamod_hot_swap_ready');

describe('hot-swap readiness', () => {
  test('a standby that tracks no shards: ERROR at start, listed not ready with what to set, gauge 0, still promoted by SIGHUP; a well-configured one is ready', async () => {
    // neard init's config.json: tracked_shards_config "AllShards".
    const ready = await startHotSwapNode('ready0');
    await ready.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'validating');
    const notReady = await startHotSwapNode('noshards1', { tracked_shards_config: 'NoShards' });

    const line = await notReady.waitForLog(/validator key hot swap: config\.json tracks no shards/);
    const logged = JSON.parse(line) as { level: number; msg: string; hot_swap_ready: string };
    assert.equal(logged.level, 50, 'an ERROR line');
    assert.equal(logged.hot_swap_ready, 'not-ready');
    assert.match(logged.msg, /\(tracked_shards_config is "NoShards"\).*set "tracked_shards_config": \{"ShadowValidator": "pool\.test"\} \(or "AllShards"\)/);
    assert.deepEqual(hotSwapLines(ready), [{ level: 30, msg: 'validator key hot swap: config.json tracks all shards (tracked_shards_config is "AllShards"): ready for a hot swap' }]);

    const standby = await notReady.waitForState('Voting');
    const members = await waitForPoolMembers(
      consul,
      (list) => byId(list, 'noshards1')?.state === 'Voting' && byId(list, 'ready0')?.holdsLock === true,
      'both members published, ready0 leading',
    );
    assert.equal(byId(members, 'ready0')?.hotSwapReady, true);
    assert.equal(byId(members, 'ready0')?.hotSwapReason, null);
    assert.equal(byId(members, 'noshards1')?.hotSwapReady, false);
    assert.match(byId(members, 'noshards1')?.hotSwapReason ?? '', /^config\.json tracks no shards \(tracked_shards_config is "NoShards"\)/);

    const json = await kuutamoctl(['--consul-url', cluster.consul.url, 'list', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const view = JSON.parse(json.stdout) as PoolView;
    assert.deepEqual(view.members.map((m) => [m.nodeId, m.hotSwapReady]), [['noshards1', false], ['ready0', true]]);
    const table = await kuutamoctl(['--consul-url', cluster.consul.url, 'list']);
    assert.match(table.stdout, /^NODE .* HOTSWAP +PRODUCTION +PUBLISHED$/m);
    // HOTSWAP, then PRODUCTION (one or more words), then PUBLISHED.
    assert.match(table.stdout, /^noshards1 .* no \(see notes\) {2,}\S.* {2,}\S+ ago$/m);
    assert.match(table.stdout, /^ready0 .* ready {2,}\S.* {2,}\S+ ago$/m);
    assert.match(table.stdout, /^noshards1 is not ready for a hot swap: config\.json tracks no shards/m);

    assert.equal(await hotSwapGauge(notReady), 0);
    assert.equal(await hotSwapGauge(ready), 1);

    // Warned, not refused: the leader's neard dies, the standby takes over by SIGHUP, same neard process.
    process.kill((await ready.state()).neardPid!, 'SIGKILL');
    const promoted = await notReady.waitFor((v) => v.neardMode === 'validator', 'promoted', 30_000);
    assert.equal(promoted.neardPid, standby.neardPid, 'hot-swapped, not restarted');
    assert.match(notReady.log(), /validator key hot-swapped into neard \(SIGHUP\)/);
  });
});

describe("the stand-in's neard localnet", () => {
  const run = promisify(execFile);

  async function localnet(args: string[]): Promise<{ dir: string; homes: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'standin-localnet-'));
    await run(NEARD_STANDIN, ['--home', dir, 'localnet', ...args], { timeout: 30_000 });
    return { dir, homes: readdirSync(dir).filter((name) => name.startsWith('node')).sort() };
  }

  const verdictOf = (dir: string, home: string) => trackedShardsReadiness(readJsonObjectFile(join(dir, home, 'config.json')), ACCOUNT_ID);

  test('writes tracked_shards_config as newer neard does: all shards by default, ready for a hot swap', async () => {
    const { dir, homes } = await localnet(['--v', '2', '--non-validators-rpc', '1']);
    try {
      assert.deepEqual(homes, ['node0', 'node1', 'node2']);
      for (const home of homes) {
        const config = readJsonObjectFile(join(dir, home, 'config.json'));
        assert.equal(config['tracked_shards_config'], 'AllShards', home);
        assert.equal(config['tracked_shards'], undefined, `${home}: the deprecated field is left out`);
        assert.equal(verdictOf(dir, home).verdict, 'ready', home);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--tracked-shards none: validators track no shards (not ready), the RPC node all; a list is shards of layout version 0', async () => {
    const none = await localnet(['--v', '2', '--non-validators-rpc', '1', '--tracked-shards', 'none']);
    const some = await localnet(['--v', '1', '--shards', '2', '--tracked-shards', '1']);
    try {
      assert.deepEqual(none.homes.map((home) => verdictOf(none.dir, home).verdict), ['not-ready', 'not-ready', 'ready']);
      assert.deepEqual(readJsonObjectFile(join(some.dir, 'node0', 'config.json'))['tracked_shards_config'], { Shards: ['s1.v0'] });
      assert.equal(verdictOf(some.dir, 'node0').tracks, 'shards s1.v0 only');
    } finally {
      rmSync(none.dir, { recursive: true, force: true });
      rmSync(some.dir, { recursive: true, force: true });
    }
  });
});
