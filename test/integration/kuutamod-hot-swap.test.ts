/**
 * --validator-key-hot-swap: promotion without a neard restart (neard >= 2.x re-reads
 * validator_key.json on SIGHUP), demotion still by restart, fencing unchanged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { configAddr } from '../support/neard-config-file.js';
import { ACCOUNT_ID, createNodeHome, createPoolKeys, startKuutamod, waitForLeaderAndStandby, type Kuutamod, type PoolKeys } from '../support/kuutamod.js';
import { until } from '../support/until.js';

let dir: string;
let consul: ConsulServer;
let pool: PoolKeys;
let daemons: Kuutamod[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kuutamod-swap-'));
  consul = await startConsulServer();
  pool = createPoolKeys(dir);
  daemons = [];
});

afterEach(async () => {
  await Promise.all(daemons.map((daemon) => daemon.stop()));
  await consul.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startNode(nodeId: string): Promise<Kuutamod> {
  const node = await createNodeHome(dir, nodeId, pool);
  const daemon = await startKuutamod({ consulUrl: consul.url, nodeId, pool, node, extraArgs: ['--validator-key-hot-swap'] });
  daemons.push(daemon);
  return daemon;
}

async function neardStatus(home: string): Promise<{ validator_account_id: string | null }> {
  return (await (await fetch(`http://${configAddr(home, 'rpc')}/status`)).json()) as { validator_account_id: string | null };
}

describe('validator key hot swap', () => {
  test('promotion keeps the same neard process: no restart, key linked, node key unchanged', async () => {
    const daemon = await startNode('node0');
    const voting = await daemon.waitFor((v) => v.state === 'Voting' || v.state === 'Validating', 'registered');
    const voterPid = voting.neardPid;
    const view = await daemon.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'hot-swapped validator');
    assert.equal(view.neardPid, voterPid, 'same neard process');
    assert.equal(view.neardRestarts, 0);
    const home = join(dir, 'node0');
    assert.equal(readlinkSync(join(home, 'validator_key.json')), pool.validatorKey);
    assert.equal(readlinkSync(join(home, 'node_key.json')), join(home, 'voter_node_key.json'));
    let status = await neardStatus(home);
    await until('neard to validate for the pool after the key reload', async () => (status = await neardStatus(home)).validator_account_id === ACCOUNT_ID, {
      timeoutMs: 10_000,
      intervalMs: 100,
      detail: () => `last /status: ${JSON.stringify(status)}`,
    });
    assert.equal(status.validator_account_id, ACCOUNT_ID);
  });

  test('failover promotes the standby without restarting it', async () => {
    const [a, b] = [await startNode('node-a'), await startNode('node-b')];
    const [leader, standby] = await waitForLeaderAndStandby(a, b);
    const standbyPid = (await standby.state()).neardPid;
    const killedAt = Date.now();
    process.kill((await leader.state()).neardPid!, 'SIGKILL');
    const promoted = await standby.waitFor((v) => v.neardMode === 'validator', 'standby promoted', 30_000);
    console.log(`hot swap takeover after leader neard SIGKILL: standby neard validating after ${Date.now() - killedAt} ms`);
    assert.equal(promoted.neardPid, standbyPid, 'the standby neard was not restarted');
    assert.equal(promoted.neardRestarts, 0);
  });
});
