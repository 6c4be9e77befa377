/**
 * The faults Rust kuutamod does not survive safely: its daemon killed or frozen while validating.
 * The neard guard must have the validating neard dead before the standby's neard starts validating,
 * and, once it saw that neard dead, frees the lock itself (destroys the session) so the standby takes over
 * at the lease end rather than when Consul ends the session, up to 2 x TTL later.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { isAlive, waitForLeaderAndStandby, type Kuutamod } from '../support/kuutamod.js';
import { untilValue } from '../support/until.js';

/** The pool's daemons, and the stand-in's log of validating periods that they all write (NEARD_STANDIN_VALIDATOR_LOG). */
let fixture: DaemonCluster & { validatorLog: string };

beforeEach(async () => {
  const cluster = await startDaemonCluster('kuutamod-fence-');
  fixture = { ...cluster, validatorLog: join(cluster.dir, 'validators.jsonl') };
});

// Frozen daemons are thawed first, so they can stop.
afterEach(() => fixture.stop());

async function startPair(): Promise<[Kuutamod, Kuutamod]> {
  for (const nodeId of ['node-a', 'node-b']) await fixture.startNode(nodeId, { env: { NEARD_STANDIN_VALIDATOR_LOG: fixture.validatorLog } });
  const [a, b] = fixture.daemons as [Kuutamod, Kuutamod];
  return waitForLeaderAndStandby(a, b);
}

/** Poll (every 5 ms) until the pid is gone; returns an upper bound of its death time (wall clock ms). */
function deathOf(pid: number, timeoutMs: number): Promise<number> {
  return untilValue(`pid ${pid} to die`, () => (isAlive(pid) ? undefined : Date.now()), { timeoutMs, intervalMs: 5 });
}

interface ValidatorRecord {
  event: 'validator_start' | 'validator_stop';
  pid: number;
  t_ms: number;
}

function validatorStarts(exceptPid: number): ValidatorRecord[] {
  if (!existsSync(fixture.validatorLog)) return [];
  return readFileSync(fixture.validatorLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ValidatorRecord)
    .filter((record) => record.event === 'validator_start' && record.pid !== exceptPid);
}

describe('fencing: neard never outlives the lock', () => {
  test('daemon SIGKILL: the guard stops neard, then releases the session; the standby takes over within seconds', async () => {
    const [leader, standby] = await startPair();
    const { neardPid } = await leader.state();
    const killedAt = Date.now();
    leader.process.kill('SIGKILL');
    const neardDeadAt = await deathOf(neardPid!, 15_000);
    const view = await standby.waitFor((v) => v.holdsLock, 'standby takes the lock', 30_000);
    const lockAt = Date.now();
    await standby.waitFor((v) => v.neardMode === 'validator', 'standby neard validating', 30_000);
    const standbyStart = await waitForStart(neardPid!);
    console.log(
      `daemon SIGKILL: leader neard dead after ${neardDeadAt - killedAt} ms, standby holds the lock after ${lockAt - killedAt} ms ` +
        `(session TTL 10 s), standby neard validating ${Math.round(standbyStart - neardDeadAt)} ms after the old one died`,
    );
    assert.ok(neardDeadAt <= standbyStart, 'the old validator died before the new one started validating');
    assert.ok(lockAt - killedAt < 10_000, 'the lock passed before the TTL could have expired: the guard released it');
    assert.equal(view.state === 'Voting' || view.state === 'Validating', true);
  });

  test('daemon SIGSTOP: the guard kills the validating neard at the lease end and frees the lock; thawed, the daemon registers anew as a standby', async () => {
    const [leader, standby] = await startPair();
    const { neardPid, sessionId: oldSession } = await leader.state();
    const frozenAt = Date.now();
    leader.process.kill('SIGSTOP');
    const neardDeadAt = await deathOf(neardPid!, 20_000);
    await standby.waitFor((v) => v.holdsLock, 'standby takes the lock', 20_000);
    const lockAt = Date.now();
    const { neardPid: standbyPid } = await standby.waitFor((v) => v.neardMode === 'validator', 'standby neard validating', 40_000);
    const standbyStart = await waitForStart(neardPid!);
    console.log(
      `daemon SIGSTOP: leader neard killed ${neardDeadAt - frozenAt} ms after the freeze (TTL 10 s, fence margin 2 s), ` +
        `standby holds the lock ${lockAt - neardDeadAt} ms after that (lease end), validating ${Math.round(standbyStart - frozenAt)} ms after the freeze`,
    );
    // killAt = last renewal's send time + TTL - margin; the last renewal was at most one interval (1 s) before the freeze.
    assert.ok(neardDeadAt - frozenAt <= 8_000 + 500, 'killed by the lease deadline');
    assert.ok(lockAt - neardDeadAt <= 1_000, `the guard freed the lock within 1 s of the lease end (${lockAt - neardDeadAt} ms)`);
    assert.ok(neardDeadAt <= standbyStart, 'the old validator died before the new one started validating');

    // Thawed before the TTL could end the old session: it finds it destroyed and registers anew.
    leader.process.kill('SIGCONT');
    const back = await leader.waitFor(
      (v) => v.state === 'Voting' && v.neardMode === 'voter' && v.sessionId !== null && v.sessionId !== oldSession,
      'thawed leader back to Voting on a new session',
      40_000,
    );
    assert.equal(back.holdsLock, false);
    assert.equal((await standby.state()).state, 'Validating');
    assert.deepEqual(
      validatorStarts(-1).map((record) => record.pid),
      [neardPid, standbyPid],
      'only the two expected validator periods: the thawed daemon never validated again',
    );
  });
});

/** The standby's validator_start record (the first one not by the old neard). */
function waitForStart(oldPid: number): Promise<number> {
  return untilValue("the standby's validator_start record", () => validatorStarts(oldPid)[0]?.t_ms, 20_000);
}
