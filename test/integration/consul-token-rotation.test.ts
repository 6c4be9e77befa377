/**
 * ACL token rotation without a restart, against a real Consul 1.8 with ACLs on and default deny:
 * SIGUSR1 makes the daemon re-read --consul-token-file; an unreadable file keeps the old token (and
 * says so); after a rotation the old token is deleted in Consul and the validator goes on renewing
 * past --step-down-after, and its neard guard, killed daemon and all, destroys the session with the
 * new token. Neither token ever appears in the log.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { KUUTAMOD_POLICY_FILE, createPolicy, createToken } from '../support/consul-acl.js';
import { FAST_TIMINGS, createNodeHome, createPoolKeys, startKuutamod, type Kuutamod } from '../support/kuutamod.js';
import { waitForStableValidator } from '../support/stable-leader.js';
import { until, untilValue } from '../support/until.js';

const MASTER_TOKEN = randomUUID();

let dir: string;
let consul: ConsulServer;
let daemon: Kuutamod | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'consul-token-rotation-'));
  consul = await startConsulServer({ acl: { masterToken: MASTER_TOKEN } });
  await createPolicy(consul.url, MASTER_TOKEN, 'kuutamod', KUUTAMOD_POLICY_FILE);
});

after(async () => {
  await daemon?.stop();
  await consul?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function consulApi(path: string, token: string, method = 'GET'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${consul.url}${path}`, { method, headers: { 'X-Consul-Token': token }, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  return { status: response.status, body: response.ok && text ? (JSON.parse(text) as unknown) : text };
}

const stepDownAfterMs = Number(FAST_TIMINGS[FAST_TIMINGS.indexOf('--step-down-after') + 1]!.replace('s', '')) * 1_000;
const sessionTtlMs = Number(FAST_TIMINGS[FAST_TIMINGS.indexOf('--session-ttl') + 1]!.replace('s', '')) * 1_000;

test('SIGUSR1 rotates the token: the old one deleted in Consul, the validator keeps renewing and its guard uses the new one', async () => {
  const oldToken = await createToken(consul.url, MASTER_TOKEN, ['kuutamod'], 'kuutamod before rotation');
  const newToken = await createToken(consul.url, MASTER_TOKEN, ['kuutamod'], 'kuutamod after rotation');
  const tokenFile = join(dir, 'consul_token');
  writeFileSync(tokenFile, `${oldToken}\n`, { mode: 0o600 });
  const pool = createPoolKeys(dir);
  const node = await createNodeHome(dir, 'rotating', pool);
  const rotating = await startKuutamod({ consulUrl: consul.url, nodeId: 'rotating', pool, node, extraArgs: ['--consul-token-file', tokenFile], env: { CONSUL_HTTP_TOKEN: '' } });
  daemon = rotating;
  await waitForStableValidator(rotating, node.home);
  const { sessionId } = await daemon.state();
  assert.ok(sessionId);

  // A file that cannot be read keeps the old token.
  rmSync(tokenFile);
  daemon.process.kill('SIGUSR1');
  await daemon.waitForLog(/consul token not reloaded, keeping the old one: --consul-token-file: cannot read consul token file .*consul_token \(ENOENT\)/);

  writeFileSync(tokenFile, `${newToken}\n`, { mode: 0o600 });
  daemon.process.kill('SIGUSR1');
  await daemon.waitForLog(/consul token reloaded/);

  const self = await consulApi('/v1/acl/token/self', oldToken);
  const accessor = (self.body as { AccessorID: string }).AccessorID;
  assert.equal((await consulApi(`/v1/acl/token/${accessor}`, MASTER_TOKEN, 'DELETE')).status, 200);
  assert.equal((await consulApi('/v1/session/list', oldToken)).status, 403, 'Consul no longer knows the old token');
  const deletedAt = Date.now();

  // Without renewals the validator would step down after --step-down-after; it must stay, same session:
  // checked on every answer until that time and 2 s more have passed.
  const steadyUntil = deletedAt + stepDownAfterMs + 2_000;
  await until(
    'step-down-after and 2 s more to pass',
    async () => {
      const view = await rotating.state();
      assert.equal(view.state, 'Validating', `still validating ${Date.now() - deletedAt} ms after the old token was deleted`);
      assert.equal(view.sessionId, sessionId);
      return Date.now() >= steadyUntil;
    },
    { timeoutMs: stepDownAfterMs + 10_000, intervalMs: 200 },
  );
  assert.doesNotMatch(daemon.log(), /session renew failed/);

  // The guard got the new token: with the daemon killed it destroys the session long before the TTL could end it.
  const killedAt = Date.now();
  daemon.process.kill('SIGKILL');
  // When the check that first saw the session gone was sent: it must be within TTL/2 of the kill.
  const goneBy = await untilValue(
    `the session destroyed within ${sessionTtlMs / 2} ms of the daemon's death`,
    async () => {
      const askedAt = Date.now();
      const info = await consulApi(`/v1/session/info/${sessionId}`, MASTER_TOKEN);
      return Array.isArray(info.body) && info.body.length === 0 ? askedAt : undefined;
    },
    { timeoutMs: sessionTtlMs / 2, intervalMs: 100, detail: () => rotating.log().slice(-2000) },
  );
  assert.ok(goneBy - killedAt <= sessionTtlMs / 2, `session destroyed within ${sessionTtlMs / 2} ms of the daemon's death (seen gone at ${goneBy - killedAt} ms)\n${daemon.log().slice(-2000)}`);
  await daemon.waitForLog(/neard is dead; destroyed session/);

  for (const secret of [oldToken, newToken]) assert.ok(!daemon.log().includes(secret), 'no token in the log');
});
