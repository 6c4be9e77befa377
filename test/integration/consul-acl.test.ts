/**
 * kuutamod and kuutamoctl against a real Consul 1.8 with ACLs on and default deny, using the
 * policies we ship (deploy/consul/*.hcl) through tokens made by /v1/acl/policy and /v1/acl/token.
 * With the daemon policy the whole failover works; with a missing, unknown or too weak token the
 * daemon never holds the lock and its log names the missing permission, never the token.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ConsulServer } from '../support/consul.js';
import { KUUTAMOCTL_READ_POLICY_FILE, KUUTAMOD_POLICY_FILE, createPolicy, createToken } from '../support/consul-acl.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { ACCOUNT_ID, type Kuutamod } from '../support/kuutamod.js';
import { expectActiveValidator, kuutamoctl } from '../support/kuutamoctl.js';
import { failOverBySigterm, waitForStableLeader } from '../support/stable-leader.js';
import { untilValue } from '../support/until.js';

const MASTER_TOKEN = randomUUID();
const LEADER_KEY = `kuutamod-leader/${ACCOUNT_ID}`;

let cluster: DaemonCluster;
let dir: string;
let consul: ConsulServer;
const tokens: Record<'daemon' | 'read' | 'sessionOnly' | 'leaderOnly', string> = { daemon: '', read: '', sessionOnly: '', leaderOnly: '' };

before(async () => {
  cluster = await startDaemonCluster('consul-acl-', () => ({ acl: { masterToken: MASTER_TOKEN } }));
  ({ dir, consul } = cluster);
  await createPolicy(consul.url, MASTER_TOKEN, 'kuutamod', KUUTAMOD_POLICY_FILE);
  await createPolicy(consul.url, MASTER_TOKEN, 'kuutamoctl-read', KUUTAMOCTL_READ_POLICY_FILE);
  // Too weak in the second step: it may hold a session but not take the lock.
  const sessionOnly = join(dir, 'session-only.hcl');
  writeFileSync(sessionOnly, 'session_prefix "" { policy = "write" }\n');
  await createPolicy(consul.url, MASTER_TOKEN, 'session-only', sessionOnly);
  tokens.daemon = await createToken(consul.url, MASTER_TOKEN, ['kuutamod'], 'kuutamod');
  tokens.read = await createToken(consul.url, MASTER_TOKEN, ['kuutamoctl-read'], 'kuutamoctl read');
  tokens.sessionOnly = await createToken(consul.url, MASTER_TOKEN, ['session-only'], 'session only');
  // The daemon policy as shipped before pool membership: the lock and sessions, no kuutamod-members/.
  const leaderOnly = join(dir, 'leader-only.hcl');
  writeFileSync(leaderOnly, 'key_prefix "kuutamod-leader/" { policy = "write" }\nsession_prefix "" { policy = "write" }\n');
  await createPolicy(consul.url, MASTER_TOKEN, 'leader-only', leaderOnly);
  tokens.leaderOnly = await createToken(consul.url, MASTER_TOKEN, ['leader-only'], 'kuutamod, older policy');
});

after(async () => {
  await cluster?.stop();
});

/** A token file as systemd's LoadCredential would provide it: mode 0600, the secret and a newline. */
function tokenFile(name: string, secret: string): string {
  const file = join(dir, `${name}.token`);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return file;
}

function startNode(nodeId: string, token: string | undefined): Promise<Kuutamod> {
  const extraArgs = token === undefined ? [] : ['--consul-token-file', tokenFile(nodeId, token)];
  // CONSUL_HTTP_TOKEN from the caller's environment must not stand in for a missing token file.
  return cluster.startNode(nodeId, { extraArgs, env: { CONSUL_HTTP_TOKEN: '' } });
}

/** `kuutamoctl list` with this token file until its table satisfies `done` (records follow a state change within a second). */
async function waitForList(tokenFilePath: string, done: (table: string) => boolean, timeoutMs = 30_000): Promise<string> {
  let last = { code: 0, stdout: '', stderr: '' };
  return untilValue(
    'kuutamoctl list to show the pool',
    async () => {
      last = await kuutamoctl(['--consul-url', consul.url, '--consul-token-file', tokenFilePath, 'list']);
      return last.code === 0 && done(last.stdout) ? last.stdout : undefined;
    },
    // Each check runs the CLI: a few a second is plenty.
    { timeoutMs, intervalMs: 200, detail: () => `last: exit ${last.code}\n${last.stdout}${last.stderr}` },
  );
}

/** The session holding the leader lock, if any (read with the master token). */
async function lockHolder(): Promise<string | undefined> {
  const response = await fetch(`${consul.url}/v1/kv/${LEADER_KEY}`, { headers: { 'X-Consul-Token': MASTER_TOKEN } });
  if (response.status === 404) return undefined;
  const [entry] = (await response.json()) as Array<{ Session?: string }>;
  return entry?.Session;
}

describe('Consul with ACLs on, default deny', () => {
  test('with the shipped policy: one validates, the standby takes over, kuutamoctl reads with the read-only token', async () => {
    const [a, b] = [await startNode('acl-a', tokens.daemon), await startNode('acl-b', tokens.daemon)];
    const [leader, standby] = await waitForStableLeader(a, b, cluster.homeOf);

    const readTokenFile = tokenFile('kuutamoctl-read', tokens.read);
    await expectActiveValidator(leader.nodeId, ['--consul-url', consul.url, '--consul-token-file', readTokenFile]);
    await expectActiveValidator(leader.nodeId, ['--consul-url', consul.url], { CONSUL_HTTP_TOKEN: tokens.read });

    // The shipped policies cover the pool's member records: the daemons publish them, the read-only token lists them.
    // A record follows its node's change within a second: wait for both rows to show the pair.
    await waitForList(readTokenFile, (text) => new RegExp(`^${leader.nodeId}\\s+Validating.*\\s+yes\\s`, 'm').test(text) && new RegExp(`^${standby.nodeId}\\s+Voting`, 'm').test(text));

    // The read-only token really is read-only: it cannot take the lock itself.
    const write = await fetch(`${consul.url}/v1/kv/${LEADER_KEY}`, { method: 'PUT', body: 'x', headers: { 'X-Consul-Token': tokens.read } });
    assert.equal(write.status, 403);

    // Without a token kuutamoctl is refused, and says what to do.
    const anonymous = await kuutamoctl(['--consul-url', consul.url, 'active-validator']);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /HTTP 403: .*Permission denied: Consul enforces ACLs and no token was sent: give one with --consul-token-file/);

    // The shipped policy covers the handover record: a planned switchover runs to its end under ACLs.
    const switchover = await kuutamoctl(['switchover', '--now', '--to', standby.nodeId, '--wait'], { KUUTAMO_NEARD_HOME: cluster.homeOf(leader) });
    assert.equal(switchover.code, 0, `${switchover.stdout}${switchover.stderr}`);
    assert.match(switchover.stdout, /phase done/);
    await expectActiveValidator(standby.nodeId, ['--consul-url', consul.url], { CONSUL_HTTP_TOKEN: tokens.read });

    await failOverBySigterm(standby, leader, cluster.homeOf(leader));
    await expectActiveValidator(leader.nodeId, ['--consul-url', consul.url], { CONSUL_HTTP_TOKEN: tokens.read });
    await leader.stop();
  });

  test('a policy from before pool membership and handovers: failover still works, and each daemon says once that it cannot publish its record or watch the handover record', async () => {
    const [a, b] = [await startNode('old-a', tokens.leaderOnly), await startNode('old-b', tokens.leaderOnly)];
    const [leader, standby] = await waitForStableLeader(a, b, cluster.homeOf);
    await failOverBySigterm(leader, standby, cluster.homeOf(standby));
    const refusals = standby.log().split('\n').filter((line) => line.includes('cannot publish the member record'));
    assert.equal(refusals.length, 1, `one line per outage:\n${refusals.join('\n')}`);
    // Nor kuutamod-handover/: the handover watch fails every second, and says so once.
    const watchFailures = standby.log().split('\n').filter((line) => line.includes('consul handover watch failed'));
    assert.equal(watchFailures.length, 1, `one line per outage:\n${watchFailures.join('\n')}`);
    assert.match(watchFailures[0]!, /Permission denied/);
    assert.match(refusals[0]!, /failover is not affected.*Permission denied/);
    assert.match(leader.log(), /cannot publish the member record/);
    await standby.stop();
  });

  test('missing, unknown or too weak tokens: never validates, the log names the permission and not the token', async () => {
    const unknownToken = randomUUID();
    const cases = [
      { daemon: await startNode('no-token', undefined), secret: undefined, says: /session create failed: HTTP 403: Consul \S+ \S+: Permission denied: Consul enforces ACLs and no token was sent: give one with --consul-token-file .*deploy\/consul\/kuutamod-policy\.hcl/ },
      { daemon: await startNode('unknown-token', unknownToken), secret: unknownToken, says: /session create failed: HTTP 403: Consul \S+ \S+: ACL not found: Consul does not know this ACL token .*--consul-token-file/ },
      { daemon: await startNode('read-token', tokens.read), secret: tokens.read, says: /session create failed: HTTP 403: Consul \S+ \S+: Permission denied: the ACL token lacks session:write on the Consul agent node at --consul-url; see deploy\/consul\/kuutamod-policy\.hcl/ },
      { daemon: await startNode('session-token', tokens.sessionOnly), secret: tokens.sessionOnly, says: new RegExp(`lock acquire failed: HTTP 403: Consul \\S+ \\S+: Permission denied: the ACL token lacks key:write on ${LEADER_KEY}; see deploy/consul/kuutamod-policy\\.hcl`) },
    ];
    for (const { daemon, says } of cases) await daemon.waitForLog(says);
    const holder = await lockHolder();
    for (const { daemon, secret } of cases) {
      const view = await daemon.state();
      if (view.sessionId) assert.notEqual(holder, view.sessionId, `${daemon.nodeId} does not hold the lock in Consul`);
      assert.notEqual(view.state, 'Validating', daemon.nodeId);
      assert.equal(view.holdsLock, false, daemon.nodeId);
      assert.ok(view.neardMode !== 'validator', `${daemon.nodeId}: neard never gets the validator key`);
      if (secret) assert.ok(!daemon.log().includes(secret), `${daemon.nodeId}: the token is not in the log`);
    }
    // The one with a session but no key permission got as far as Voting and no further.
    assert.equal((await cases[3]!.daemon.state()).state, 'Voting');
    await Promise.all(cases.map(({ daemon }) => daemon.stop()));
  });
});
