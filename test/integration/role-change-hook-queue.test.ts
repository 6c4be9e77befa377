/**
 * The role-change hook's queue with real shell commands: only changes of role run it (a state change
 * within one role does not), hooks run one at a time in order, changes that arrive while one runs
 * fold into one waiting change, a fold that returns to where it started is dropped, output lines and
 * a failing exit are logged with the hook's pid, and a command that cannot start is logged too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import type { Role } from '../../machines/roles.js';
import { RoleChangeHook } from '../../src/role-change-hook.js';
import { until } from '../support/until.js';

const dir = mkdtempSync(join(tmpdir(), 'role-change-hook-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Logged {
  msg: string;
  hook_pid?: number;
  stream?: string;
  code?: number;
}

function hookWith(command: string, timeoutMs = 10_000): { hook: RoleChangeHook; logged: Logged[] } {
  const logged: Logged[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as Logged) });
  return { hook: new RoleChangeHook({ command, timeoutMs, nodeId: 'n1', accountId: 'pool.near', logger }), logged };
}

const feed = (hook: RoleChangeHook, roles: Role[]) => roles.forEach((role) => hook.roleIs(role));

test('roles, order and folding: a burst of changes while a hook runs becomes one waiting change', async () => {
  const record = join(dir, 'fold');
  const { hook } = hookWith(`echo "$KUUTAMO_ROLE_OLD>$KUUTAMO_ROLE_NEW $KUUTAMO_NODE_ID $KUUTAMO_ACCOUNT_ID" >> ${record}; sleep 0.3; true`);
  feed(hook, ['syncing', 'syncing', 'syncing', 'standby', 'validator', 'standby']);
  await hook.idle();
  // stopped>syncing ran; syncing>standby, standby>validator, validator>standby folded into syncing>standby.
  assert.deepEqual(readFileSync(record, 'utf8').trim().split('\n'), ['stopped>syncing n1 pool.near', 'syncing>standby n1 pool.near']);

  feed(hook, ['validator', 'standby', 'validator']);
  await hook.idle();
  // standby>validator ran; validator>standby then standby>validator folds back to where it started: dropped.
  assert.deepEqual(readFileSync(record, 'utf8').trim().split('\n').slice(2), ['standby>validator n1 pool.near']);
});

test('output lines and a failing exit are logged with the pid; positional arguments as Patroni passes them', async () => {
  const { hook, logged } = hookWith('printf "%s\\n" "$@"; echo oops >&2; exit 3');
  feed(hook, ['stopped']);
  hook.roleIs('syncing');
  await hook.idle();
  const started = logged.find((line) => line.msg === 'role change hook started: stopped -> syncing');
  assert.ok(started?.hook_pid);
  const ofHook = logged.filter((line) => line.hook_pid === started.hook_pid).map((line) => `${line.stream ?? ''}:${line.msg}`);
  assert.deepEqual(ofHook.slice(1).sort(), [':role change hook failed: exit code 3', 'stderr:oops', 'stdout:on_role_change', 'stdout:pool.near', 'stdout:syncing'].sort());
});

test('a command that is not there: the shell says so, and the failure is logged', async () => {
  const { hook, logged } = hookWith(join(dir, 'no-such-hook'));
  hook.roleIs('standby');
  await hook.idle();
  assert.ok(logged.some((line) => line.stream === 'stderr' && /no-such-hook/.test(line.msg)));
  assert.ok(logged.some((line) => line.msg === 'role change hook failed: exit code 127'));
});

test('a hook past its timeout is killed with its process group', async () => {
  // The positional arguments go to the last command of the line (`:`), not to sleep.
  const { hook, logged } = hookWith('sleep 30; :', 200);
  const startedAt = Date.now();
  hook.roleIs('validator');
  await hook.idle();
  assert.ok(Date.now() - startedAt < 5_000, 'SIGTERM ended it well before the sleep');
  assert.ok(logged.some((line) => line.msg === 'role change hook still running after 200ms (--on-role-change-timeout): SIGTERM to its process group'));
  assert.ok(logged.some((line) => line.msg === 'role change hook failed: killed by SIGTERM'));
  const pid = logged.find((line) => line.hook_pid !== undefined)?.hook_pid;
  assert.ok(pid);
  // The sleep got the same SIGTERM; it may take a moment longer than the shell to be gone.
  const groupGone = () => {
    try {
      process.kill(-pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  await until('the sleep in its process group gone too', groupGone, 5_000);
});
