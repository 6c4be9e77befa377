/**
 * --on-role-change end to end: real Consul, two daemons, the neard stand-in, and a hook that records
 * its environment and arguments, prints a line and then hangs far longer than a takeover. The
 * takeover after a SIGKILL of the leader's neard stays within the usual bound (the standby holds the
 * lock in under a second) while hooks hang, and every hanging hook is killed with its process group
 * at --on-role-change-timeout, which the log says with the hook's pid.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { ACCOUNT_ID, createNodeHome, createPoolKeys, startKuutamod, waitForLeaderAndStandby, type Kuutamod } from '../support/kuutamod.js';
import { untilValue } from '../support/until.js';

const HOOK_TIMEOUT = '3s';
const HOOK = `#!/bin/sh
echo "$KUUTAMO_NODE_ID|$KUUTAMO_ACCOUNT_ID|$KUUTAMO_ROLE_OLD|$KUUTAMO_ROLE_NEW|$*" >> "$HOOK_RECORD"
echo "hook says $KUUTAMO_ROLE_NEW"
sleep 600
`;

let dir: string;
let consul: ConsulServer;
const daemons: Kuutamod[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'role-change-hook-'));
  consul = await startConsulServer();
});

after(async () => {
  await Promise.all(daemons.map((daemon) => daemon.stop()));
  await consul?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface LogRecord {
  msg: string;
  hook_pid?: number;
  role_new?: string;
}

const records = (daemon: Kuutamod): LogRecord[] =>
  daemon.log().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogRecord);

const recordFile = (nodeId: string) => join(dir, `${nodeId}.hook-record`);
const recorded = (nodeId: string): string[] => (existsSync(recordFile(nodeId)) ? readFileSync(recordFile(nodeId), 'utf8').trim().split('\n') : []);

/** The hook's records and the daemons' logs are files: read them until `probe` finds what it waits for. */
const eventually = <T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> => untilValue(what, probe, { timeoutMs, intervalMs: 100 });

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a hook that hangs: takeover within the usual bound, the hook saw its role change and was killed at the timeout', async () => {
  const hook = join(dir, 'hook.sh');
  writeFileSync(hook, HOOK);
  chmodSync(hook, 0o755);
  const pool = createPoolKeys(dir);
  for (const nodeId of ['hook-a', 'hook-b']) {
    const node = await createNodeHome(dir, nodeId, pool);
    const extraArgs = ['--on-role-change', hook, '--on-role-change-timeout', HOOK_TIMEOUT];
    daemons.push(await startKuutamod({ consulUrl: consul.url, nodeId, pool, node, extraArgs, env: { HOOK_RECORD: recordFile(nodeId) } }));
  }
  const [leader, standby] = await waitForLeaderAndStandby(daemons[0]!, daemons[1]!);

  // The standby's hook ran for its first role and (after the first hook was killed) for standby.
  const standbyLine = `${standby.nodeId}|${ACCOUNT_ID}|syncing|standby|on_role_change standby ${ACCOUNT_ID}`;
  await eventually('the standby hook', () => (recorded(standby.nodeId).includes(standbyLine) ? true : undefined));
  assert.equal(recorded(standby.nodeId)[0], `${standby.nodeId}|${ACCOUNT_ID}|stopped|syncing|on_role_change syncing ${ACCOUNT_ID}`);

  const { neardPid } = await leader.state();
  assert.ok(neardPid);
  const leaderLinesBefore = recorded(leader.nodeId).length;
  const killedAt = Date.now();
  process.kill(neardPid, 'SIGKILL');
  await standby.waitFor((view) => view.holdsLock, 'lock after neard SIGKILL', 30_000);
  const lockMs = Date.now() - killedAt;
  console.log(`takeover with hanging role-change hooks: standby holds the lock after ${lockMs} ms`);
  assert.ok(lockMs < 1_000, `the standby holds the lock ${lockMs} ms after the leader's neard SIGKILL`);
  await standby.waitForState('Validating', 30_000);

  // The new validator's hook starts, prints, hangs, and is killed with its process group at the timeout.
  const said = await eventually('the hook output for validator', () =>
    records(standby).find((record) => record.msg === 'hook says validator' && typeof record.hook_pid === 'number'),
  );
  const pid = said.hook_pid!;
  const killed = await eventually('the hook killed at the timeout', () =>
    records(standby).find((record) => record.hook_pid === pid && /role change hook failed: killed by SIGTERM/.test(record.msg)),
  );
  assert.ok(killed);
  assert.ok(
    records(standby).some((record) => record.hook_pid === pid && record.msg === `role change hook still running after ${HOOK_TIMEOUT} (--on-role-change-timeout): SIGTERM to its process group`),
  );
  await eventually('the sleep the hook started gone with it', () => (groupAlive(pid) ? undefined : true), 5_000);
  assert.ok(recorded(standby.nodeId).includes(`${standby.nodeId}|${ACCOUNT_ID}|standby|validator|on_role_change validator ${ACCOUNT_ID}`));

  // The old leader's hooks hear that it no longer validates. The old role is "validator" unless its
  // validator hook was still queued behind a hanging one at the kill: the queue then folds
  // syncing -> validator -> syncing away, and the next hook reports the role it settles in.
  await eventually('the old leader hook', () =>
    recorded(leader.nodeId)
      .slice(leaderLinesBefore)
      .some((line) => new RegExp(`^${leader.nodeId}\\|${ACCOUNT_ID}\\|[a-z]+\\|(syncing|standby)\\|`).test(line))
      ? true
      : undefined,
  );
});
