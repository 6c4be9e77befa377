/**
 * A failsafe confirmation round over real HTTP (issue 18): members' confirm routes listening on ephemeral
 * ports, the leader's round with the global fetch and a real per-request timeout. One member confirms;
 * one holds the answer back until the round is over and fails by the timeout (the round does not wait
 * for it); one has another validator key and rejects the request as forged.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { LeaderSequence, runConfirmationRound } from '../../services/pool/failsafe/confirmation-round.js';
import { monotonicNow } from '../../services/monotonic-clock.js';
import { FAILSAFE_CONFIRM_PATH } from '../../services/pool/member-failsafe.js';
import { ACCOUNT, DEFAULT_REFRAIN_MS, freshPoolKey, testMember, type TestMember } from '../support/failsafe-fixture.js';

const TIMEOUT_MS = 400;
const key = freshPoolKey();
const realClock = { now: monotonicNow };

const members: TestMember[] = [];
after(async () => {
  await Promise.all(members.map((m) => m.app.close()));
});

async function listening(member: TestMember): Promise<string> {
  members.push(member);
  await member.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(member.app.server.address() as AddressInfo).port}${FAILSAFE_CONFIRM_PATH}`;
}

test('a round over real HTTP: a prompt member confirms, a slow one fails by the timeout, one with another key fails as forged', async () => {
  const prompt = testMember({ nodeId: 'prompt', key, clock: realClock });
  const slow = testMember({ nodeId: 'slow', key, clock: realClock });
  const stranger = testMember({ nodeId: 'stranger', key: freshPoolKey(), clock: realClock });
  // The slow member's requests wait until the test lets them go, after the round.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let slowReceived = false;
  slow.app.addHook('onRequest', async () => {
    slowReceived = true;
    await released;
  });
  const targets = [
    { nodeId: 'prompt', url: await listening(prompt) },
    { nodeId: 'slow', url: await listening(slow) },
    { nodeId: 'stranger', url: await listening(stranger) },
  ];
  const before = monotonicNow();
  const result = await runConfirmationRound({
    members: targets,
    key,
    leader: { accountId: ACCOUNT, nodeId: 'leader', session: 'leader-session' },
    sequence: new LeaderSequence(),
    timeoutMs: TIMEOUT_MS,
    requiredRefrainMs: DEFAULT_REFRAIN_MS,
    now: monotonicNow,
  });
  const took = monotonicNow() - before;
  release();

  assert.ok(result.sentAt >= before && result.sentAt <= before + 50, 'sentAt is read before the first send');
  assert.equal(result.allConfirmed, false);
  assert.deepEqual(result.confirmed, ['prompt']);
  assert.deepEqual(result.failed.map((f) => f.nodeId), ['slow', 'stranger']);
  assert.equal(result.failed[0]!.why, `no answer within ${TIMEOUT_MS} ms`);
  assert.match(result.failed[1]!.why, /^HTTP 403: forged request: its MAC does not verify/);
  assert.ok(slowReceived, 'the slow member did get the request');
  // Concurrent: the round ends at the timeout, not after one member's wait plus another's.
  assert.ok(took >= TIMEOUT_MS && took < TIMEOUT_MS + 2_000, `round took ${took} ms`);
  assert.equal(prompt.refrains.length, 1);
  assert.ok(prompt.refrains[0]! >= result.sentAt + DEFAULT_REFRAIN_MS, 'the prompt member refrains from receipt, after sentAt');
  assert.equal(stranger.refrains.length, 0);
  assert.deepEqual(stranger.logs.map((l) => [l.peer, l.kind]), [['127.0.0.1', 'forged']]);
});
