/**
 * The promotion restart race, end to end: real Consul, the real daemon, the neard stand-in.
 *
 * Promotion restarts neard. The old (voter) neard keeps answering /status during its SIGTERM grace
 * period, and the new (validator) one binds its RPC port only seconds later, as a real neard does after
 * minutes. A chart that trusts the old process's answers drops back to the strict /status failure limit,
 * calls the silent new neard hung, goes to Startup and restarts it again: in production, forever. Here
 * the node must reach Validating with one restart counted and never go back to Startup.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { ACCOUNT_ID, createNodeHome, createPoolKeys, startKuutamod, type Kuutamod } from '../support/kuutamod.js';
import type { StateView } from '../../src/state-view.js';
import { untilValue } from '../support/until.js';

/** Status interval of FAST_TIMINGS: both delays below are ten of them, far above the strict limit of 3. */
const STATUS_INTERVAL_MS = 200;
const STANDIN_ENV = {
  NEARD_STANDIN_STOP_DELAY_MS: String(10 * STATUS_INTERVAL_MS),
  NEARD_STANDIN_STARTUP_DELAY_MS: String(10 * STATUS_INTERVAL_MS),
};

interface NeardStatusBody {
  validator_account_id: string | null;
  sync_info: { latest_block_height: number };
}

let dir: string;
let consul: ConsulServer;
let daemon: Kuutamod | null = null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kuutamod-race-'));
  consul = await startConsulServer();
});

afterEach(async () => {
  await daemon?.stop();
  daemon = null;
  await consul.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** neard's own /status: the body, or null while nothing answers on its RPC port. */
async function neardStatus(rpcAddr: string): Promise<NeardStatusBody | null> {
  try {
    return (await (await fetch(`http://${rpcAddr}/status`, { signal: AbortSignal.timeout(1_000) })).json()) as NeardStatusBody;
  } catch {
    return null;
  }
}

const HEALTHY_PATH = ['Startup', 'Syncing', 'Registering', 'Voting', 'Validating'];

/**
 * Wait until the daemon has heard from the restarted neard (a height past the first one that neard
 * reported as the validator): after that the dangerous window is over. A trip off the healthy path
 * (back to Startup) ends the wait at once, so the failure shows the history.
 */
async function heardFromValidatorNeard(daemon: Kuutamod, rpcAddr: string, timeoutMs: number): Promise<StateView> {
  let validatorHeight: number | null = null;
  let view: StateView | null = null;
  return untilValue(
    'the daemon to hear from the validator neard',
    async () => {
      view = await daemon.state();
      if (view.transitions.length > HEALTHY_PATH.length) return view;
      if (validatorHeight !== null && view.neardMode === 'validator' && (view.blockHeight ?? 0) > validatorHeight) return view;
      const body = await neardStatus(rpcAddr);
      if (validatorHeight === null && body?.validator_account_id === ACCOUNT_ID) validatorHeight = body.sync_info.latest_block_height;
      return undefined;
    },
    { timeoutMs, intervalMs: 50, detail: () => `last /state: ${JSON.stringify(view)}\n${daemon.log().slice(-4000)}` },
  );
}

test('a promotion restart survives an old neard answering during its stop and a slow new one: one restart, no Startup', async () => {
  const pool = createPoolKeys(dir);
  const node = await createNodeHome(dir, 'node0', pool);
  daemon = await startKuutamod({ consulUrl: consul.url, nodeId: 'node0', pool, node, env: STANDIN_ENV });
  const started = daemon;
  const rpcAddr = (JSON.parse(readFileSync(join(node.home, 'config.json'), 'utf8')) as { rpc: { addr: string } }).rpc.addr;

  await started.waitForState('Validating', 60_000);
  const view = await heardFromValidatorNeard(started, rpcAddr, 30_000);
  assert.deepEqual(
    view.transitions.map((t) => t.to),
    HEALTHY_PATH,
    `no trip back to Startup; log:\n${started.log().slice(-4000)}`,
  );
  assert.equal(view.state, 'Validating');
  assert.equal(view.neardRestarts, 1, 'exactly the promotion restart');
  const metrics = await (await fetch(`${started.url}/metrics`)).text();
  assert.match(metrics, /^kuutamod_neard_restarts 1$/m);
});
