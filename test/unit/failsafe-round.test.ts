/**
 * The leader's confirmation round (issue 18) against members' real confirm routes, reached through
 * `inject` (test/support/failsafe-fixture.ts): the send time is read before the first request, every
 * member is asked with the round's one counter, and only a timely, authentic, matching confirmation with
 * a long enough refrain window counts; each other outcome is a failure that says why. The real timeout on
 * real sockets is in test/integration/failsafe-round.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LeaderSequence, MAX_ANSWER_BYTES, runConfirmationRound, type ConfirmationMember, type RoundOptions } from '../../services/pool/failsafe/confirmation-round.js';
import { parseRequest, signAnswer, type FailsafeRequest } from '../../services/pool/failsafe/messages.js';
import { FAILSAFE_CONFIRM_PATH } from '../../services/pool/member-failsafe.js';
import { ACCOUNT, DEFAULT_REFRAIN_MS, freshPoolKey, injectFetch, testMember, TestClock, type Fetch, type TestMember } from '../support/failsafe-fixture.js';

const key = freshPoolKey();
const TIMEOUT_MS = 500;
const urlOf = (host: string): string => `http://${host}${FAILSAFE_CONFIRM_PATH}`;

function pool(clock: TestClock, ...nodeIds: string[]): { members: TestMember[]; targets: ConfirmationMember[]; fetcher: Fetch } {
  const members = nodeIds.map((nodeId) => testMember({ nodeId, key, clock }));
  const targets = members.map((m) => ({ nodeId: m.nodeId, url: urlOf(`${m.nodeId}:2233`) }));
  return { members, targets, fetcher: injectFetch(Object.fromEntries(members.map((m) => [`${m.nodeId}:2233`, m.app]))) };
}

const roundOptions = (clock: TestClock, targets: ConfirmationMember[], fetcher: Fetch, change: Partial<RoundOptions> = {}): RoundOptions => ({
  members: targets,
  key,
  leader: { accountId: ACCOUNT, nodeId: 'node0', session: 'leader-session' },
  sequence: new LeaderSequence(),
  timeoutMs: TIMEOUT_MS,
  requiredRefrainMs: DEFAULT_REFRAIN_MS,
  now: clock.now,
  fetch: fetcher,
  ...change,
});

/** A fetch whose every answer is made by `answer` from the request it was sent. */
const answering = (answer: (request: FailsafeRequest) => Response): Fetch => async (_input, init) => {
  const parsed = parseRequest(JSON.parse(typeof init?.body === 'string' ? init.body : ''));
  if (!parsed.ok) throw new Error(parsed.problem);
  return answer(parsed.value);
};
const json = (value: unknown, status = 200): Response => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
const confirmOf = (request: FailsafeRequest, withKey = key) => signAnswer(withKey, { ...request, verdict: 'confirm', reason: null, refrainMs: DEFAULT_REFRAIN_MS });

describe('confirmation round', () => {
  test('every member confirms: sentAt is read before the first send, one counter per round, and every member refrains from receipt', async () => {
    const clock = new TestClock(100_000);
    const { members, targets, fetcher } = pool(clock, 'node1', 'node2', 'node3');
    // Time passes between the read of sentAt and each request's arrival.
    const delayed: Fetch = async (input, init) => {
      clock.advance(7);
      return fetcher(input, init);
    };
    const sequence = new LeaderSequence();
    const first = await runConfirmationRound(roundOptions(clock, targets, delayed, { sequence }));
    assert.deepEqual(first, { sentAt: 100_000, counter: 1, allConfirmed: true, confirmed: ['node1', 'node2', 'node3'], failed: [] });
    for (const member of members) {
      assert.equal(member.refrains.length, 1);
      assert.ok(member.refrains[0]! >= first.sentAt + DEFAULT_REFRAIN_MS + 7, `${member.nodeId} refrains from receipt, after sentAt`);
    }
    const second = await runConfirmationRound(roundOptions(clock, targets, delayed, { sequence }));
    assert.equal(second.counter, 2);
    assert.equal(second.allConfirmed, true);
    assert.deepEqual(members.map((m) => m.replay.highestOf({ leader: 'node0', session: 'leader-session', boot: sequence.boot })), [2, 2, 2]);
  });

  test('no members: all confirmed (nobody is there to take over)', async () => {
    const clock = new TestClock();
    const result = await runConfirmationRound(roundOptions(clock, [], injectFetch({})));
    assert.deepEqual([result.allConfirmed, result.confirmed, result.failed], [true, [], []]);
  });

  test('a member with another validator key rejects the request as forged, and one that holds the lock refuses: both fail, the others confirm', async () => {
    const clock = new TestClock();
    const { members, targets } = pool(clock, 'node1', 'node2');
    const stranger = testMember({ nodeId: 'node3', key: freshPoolKey(), clock });
    members[1]!.view = { holdsOrAcquiringLock: true, consulHolder: 'unknown' };
    const all = injectFetch({ 'node1:2233': members[0]!.app, 'node2:2233': members[1]!.app, 'node3:2233': stranger.app });
    const result = await runConfirmationRound(roundOptions(clock, [...targets, { nodeId: 'node3', url: urlOf('node3:2233') }], all));
    assert.equal(result.allConfirmed, false);
    assert.deepEqual(result.confirmed, ['node1']);
    assert.deepEqual(result.failed.map((f) => f.nodeId), ['node2', 'node3']);
    assert.equal(result.failed[0]!.why, 'refused: this member holds or is acquiring the lock');
    assert.match(result.failed[1]!.why, /^HTTP 403: forged request: its MAC does not verify/);
    assert.equal(stranger.refrains.length, 0);
  });

  test('an address that reaches another member fails as misdirected', async () => {
    const clock = new TestClock();
    const { targets, fetcher } = pool(clock, 'node1', 'node2');
    const swapped = [{ nodeId: 'node1', url: targets[1]!.url }];
    const result = await runConfirmationRound(roundOptions(clock, swapped, fetcher));
    assert.match(result.failed[0]?.why ?? '', /^HTTP 421: this is member node2 of pool pool\.test; the request is for member node1/);
  });

  test('forged, mismatched, garbage, oversized and short-window answers each fail with why', async () => {
    const clock = new TestClock();
    const target = [{ nodeId: 'node1', url: urlOf('node1:2233') }];
    const whyOf = async (fetcher: Fetch): Promise<string> => {
      const result = await runConfirmationRound(roundOptions(clock, target, fetcher));
      assert.equal(result.allConfirmed, false);
      return result.failed[0]?.why ?? '';
    };
    assert.match(await whyOf(answering((r) => json(confirmOf(r, freshPoolKey())))), /^forged answer: its MAC does not verify/);
    // An authentic answer to another round (a replayed answer) does not match this round's counter.
    assert.equal(await whyOf(answering((r) => json(confirmOf({ ...r, counter: 99 })))), 'answer does not match the request: counter is 99, asked 1');
    assert.match(await whyOf(answering((r) => json(confirmOf({ ...r, member: 'node2' })))), /answer does not match the request: member is "node2", asked "node1"/);
    assert.match(await whyOf(answering(() => new Response('<html>proxy error</html>', { status: 200 }))), /^garbage answer: not JSON/);
    assert.match(await whyOf(answering(() => json({ v: 1 }))), /^garbage answer: account must be/);
    assert.equal(await whyOf(answering(() => new Response('x'.repeat(MAX_ANSWER_BYTES + 1)))), `garbage answer: longer than ${MAX_ANSWER_BYTES} bytes`);
    assert.match(await whyOf(answering(() => new Response('Bad Gateway', { status: 502 }))), /^HTTP 502: not a failsafe answer: "Bad Gateway"/);
    const short = answering((r) => json(signAnswer(key, { ...r, verdict: 'confirm', reason: null, refrainMs: 1_000 })));
    assert.equal(await whyOf(short), `confirmed with a refrain window of 1000 ms, shorter than the ${DEFAULT_REFRAIN_MS} ms this leader's lease needs`);
  });

  test('an answer after the timeout on the leader\'s clock fails as late', async () => {
    const clock = new TestClock();
    const late = answering((r) => {
      clock.advance(TIMEOUT_MS + 1);
      return json(confirmOf(r));
    });
    const result = await runConfirmationRound(roundOptions(clock, [{ nodeId: 'node1', url: urlOf('node1:2233') }], late));
    assert.equal(result.failed[0]?.why, `answered after ${TIMEOUT_MS + 1} ms, past the ${TIMEOUT_MS} ms timeout`);
  });

  test('no published address, an unreachable member and an aborted round fail with why', async () => {
    const clock = new TestClock();
    const nobody = injectFetch({});
    const result = await runConfirmationRound(roundOptions(clock, [{ nodeId: 'node1', url: null }, { nodeId: 'node2', url: urlOf('node2:2233') }], nobody));
    assert.deepEqual(result.failed, [
      { nodeId: 'node1', why: 'publishes no failsafe address (failsafeUrl in its member record)' },
      { nodeId: 'node2', why: `unreachable at ${urlOf('node2:2233')}: fetch failed (connect ECONNREFUSED node2:2233)` },
    ]);
    const stop = new AbortController();
    stop.abort();
    const aborted = await runConfirmationRound(roundOptions(clock, [{ nodeId: 'node2', url: urlOf('node2:2233') }], nobody, { signal: stop.signal }));
    assert.equal(aborted.failed[0]?.why, 'the round was aborted');
  });

  test('a boot id is 32 hex digits, fresh per sequence', () => {
    assert.match(new LeaderSequence().boot, /^[0-9a-f]{32}$/);
    assert.notEqual(new LeaderSequence().boot, new LeaderSequence().boot);
    assert.throws(() => new LeaderSequence('xyz'), /a boot id is 32 lower-case hex digits/);
  });
});
