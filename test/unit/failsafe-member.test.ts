/**
 * A member's decision on failsafe confirmation requests (issue 18): it confirms a leader only while it
 * neither holds nor acquires the lock and Consul shows no other holder, and then refrains for W from
 * receipt; forged, misdirected, replayed and garbage requests are rejected with their kind and status,
 * and none of them (nor a refusal) ever starts or extends a refrain.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deriveFailsafeKey } from '../../services/pool/failsafe/key.js';
import { decideConfirmation, REFUSE_HOLDS_LOCK, type MemberDecision, type MemberLockView, type MemberSide, type RejectionKind } from '../../services/pool/failsafe/member-decision.js';
import { memberResponder } from '../../services/pool/failsafe/member-responder.js';
import { answerVerifies, signRequest, type RequestFields } from '../../services/pool/failsafe/messages.js';
import { ReplayWindow } from '../../services/pool/failsafe/replay-window.js';
import { generateNearKey } from '../../src/cli/generate-key.js';
import { ACCOUNT, freshPoolKey, TestClock } from '../support/failsafe-fixture.js';

const key = freshPoolKey();
const W = 20_000;
const NOW = 5_000_000;
const UNREACHABLE: MemberLockView = { holdsOrAcquiringLock: false, consulHolder: 'unknown' };
const SESSION = 'leader-session';

const fields = (change: Partial<RequestFields> = {}): RequestFields => ({ account: ACCOUNT, leader: 'node0', session: SESSION, boot: 'a'.repeat(32), counter: 1, member: 'node1', ...change });
const body = (change: Partial<RequestFields> = {}, withKey = key): string => JSON.stringify(signRequest(withKey, fields(change)));
const newMember = (): MemberSide => ({ identity: { nodeId: 'node1', accountId: ACCOUNT }, key, refrainMs: W, replay: new ReplayWindow() });

function rejected(decision: MemberDecision, kind: RejectionKind, status: number, message: RegExp): void {
  assert.equal(decision.kind, 'rejected', JSON.stringify(decision));
  if (decision.kind !== 'rejected') return;
  assert.deepEqual([decision.rejection.kind, decision.rejection.status], [kind, status]);
  assert.match(decision.rejection.message, message);
}

function answered(decision: MemberDecision): Extract<MemberDecision, { kind: 'answer' }> {
  assert.equal(decision.kind, 'answer', JSON.stringify(decision));
  return decision;
}

describe('member decision', () => {
  test('confirms a leader while Consul is unreachable: a signed answer echoing the request, and a refrain of W from receipt', () => {
    const member = newMember();
    const decision = answered(decideConfirmation(body({ counter: 3 }), member, UNREACHABLE, NOW));
    assert.equal(decision.answer.verdict, 'confirm');
    assert.equal(decision.answer.reason, null);
    assert.equal(decision.answer.refrainMs, W);
    assert.ok(answerVerifies(key, decision.answer));
    const { verdict: _verdict, reason: _reason, refrainMs: _refrain, mac: _mac, v: _v, ...echoed } = decision.answer;
    assert.deepEqual(echoed, fields({ counter: 3 }));
    assert.equal(decision.refrainUntil, NOW + W);
    assert.equal(member.replay.highestOf(fields()), 3);
  });

  test('confirms when Consul shows the lock free or held by the leader\'s own session', () => {
    for (const consulHolder of [{ session: null }, { session: SESSION }]) {
      const decision = answered(decideConfirmation(body(), newMember(), { holdsOrAcquiringLock: false, consulHolder }, NOW));
      assert.equal(decision.answer.verdict, 'confirm', JSON.stringify(consulHolder));
    }
  });

  test('refuses, without refraining, while it holds or acquires the lock, or Consul shows another session holding it', () => {
    const member = newMember();
    const holding = answered(decideConfirmation(body({ counter: 1 }), member, { holdsOrAcquiringLock: true, consulHolder: 'unknown' }, NOW));
    assert.deepEqual([holding.answer.verdict, holding.answer.reason, holding.answer.refrainMs, holding.refrainUntil], ['refuse', REFUSE_HOLDS_LOCK, 0, null]);
    assert.ok(answerVerifies(key, holding.answer));
    const other = answered(decideConfirmation(body({ counter: 2 }), member, { holdsOrAcquiringLock: false, consulHolder: { session: 'someone-else' } }, NOW));
    assert.deepEqual([other.answer.verdict, other.answer.reason, other.refrainUntil], ['refuse', 'Consul shows another holder (session someone-else)', null]);
    // A refused request still counts for replays: it was authentic.
    assert.equal(member.replay.highestOf(fields()), 2);
  });

  test('a forged request (another validator key) is rejected and leaves the replay window untouched', () => {
    const member = newMember();
    const other = deriveFailsafeKey(generateNearKey(ACCOUNT).secret_key, ACCOUNT);
    rejected(decideConfirmation(body({ counter: 99 }, other), member, UNREACHABLE, NOW), 'forged', 403, /MAC does not verify/);
    const tampered = JSON.stringify({ ...signRequest(key, fields()), counter: 2 });
    rejected(decideConfirmation(tampered, member, UNREACHABLE, NOW), 'forged', 403, /forged request/);
    assert.equal(member.replay.size, 0);
    answered(decideConfirmation(body({ counter: 1 }), member, UNREACHABLE, NOW));
  });

  test('a request for another member or another pool, or naming this member its own leader, is misdirected', () => {
    rejected(decideConfirmation(body({ member: 'node2' }), newMember(), UNREACHABLE, NOW), 'wrong pool or member', 421, /this is member node1 of pool pool\.test; the request is for member node2 of pool pool\.test/);
    const otherPool = deriveFailsafeKey(generateNearKey('other.test').secret_key, 'other.test');
    rejected(decideConfirmation(body({ account: 'other.test' }, otherPool), newMember(), UNREACHABLE, NOW), 'wrong pool or member', 421, /member node1 of pool other\.test/);
    rejected(decideConfirmation(body({ leader: 'node1' }), newMember(), UNREACHABLE, NOW), 'wrong pool or member', 421, /names this member \(node1\) as its own leader/);
  });

  test('a replayed or older counter is rejected; a new boot or session starts its own count', () => {
    const member = newMember();
    const five = body({ counter: 5 });
    answered(decideConfirmation(five, member, UNREACHABLE, NOW));
    rejected(decideConfirmation(five, member, UNREACHABLE, NOW + 1), 'replayed', 409, /counter 5 is not above 5 already accepted from leader node0/);
    rejected(decideConfirmation(body({ counter: 4 }), member, UNREACHABLE, NOW + 1), 'replayed', 409, /counter 4 is not above 5/);
    answered(decideConfirmation(body({ counter: 6 }), member, UNREACHABLE, NOW + 1));
    answered(decideConfirmation(body({ counter: 1, boot: 'b'.repeat(32) }), member, UNREACHABLE, NOW + 1));
    answered(decideConfirmation(body({ counter: 1, session: 'new-session' }), member, UNREACHABLE, NOW + 1));
  });

  test('garbage is rejected as garbage with what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['', /not JSON/],
      ['{"v":1,', /not JSON/],
      ['[]', /not a JSON object/],
      ['"confirm me"', /not a JSON object/],
      ['{}', /unsupported protocol version/],
      [JSON.stringify({ ...signRequest(key, fields()), counter: -1 }), /counter must be a positive integer/],
      [JSON.stringify({ ...signRequest(key, fields()), mac: undefined }), /mac must be/],
    ];
    for (const [text, problem] of cases) rejected(decideConfirmation(text, newMember(), UNREACHABLE, NOW), 'garbage', 400, problem);
  });
});

describe('member responder', () => {
  test('hands the daemon a refrain only for a confirmation, read with the view of that moment', () => {
    const clock = new TestClock(NOW);
    const refrains: number[] = [];
    let view: MemberLockView = UNREACHABLE;
    const respond = memberResponder({ identity: { nodeId: 'node1', accountId: ACCOUNT }, key, refrainMs: W, now: clock.now, view: () => view, onRefrain: (until) => refrains.push(until) });
    answered(respond(body({ counter: 1 })));
    clock.advance(1_000);
    // A replay of the confirmed request later does not push the refrain further.
    rejected(respond(body({ counter: 1 })), 'replayed', 409, /replayed/);
    view = { holdsOrAcquiringLock: true, consulHolder: 'unknown' };
    assert.equal(answered(respond(body({ counter: 2 }))).answer.verdict, 'refuse');
    view = UNREACHABLE;
    answered(respond(body({ counter: 3 })));
    assert.deepEqual(refrains, [NOW + W, NOW + 1_000 + W]);
  });

  test('refuses to start with a refrain window that is not positive, or a key of another account', () => {
    const options = { identity: { nodeId: 'node1', accountId: ACCOUNT }, key, refrainMs: W, now: () => 0, view: () => UNREACHABLE, onRefrain: () => undefined };
    assert.throws(() => memberResponder({ ...options, refrainMs: 0 }), /refrain window must be a positive number of ms, not 0/);
    assert.throws(() => memberResponder({ ...options, identity: { nodeId: 'node1', accountId: 'other.test' } }), /derived for account pool\.test, not other\.test/);
  });
});

describe('replay window', () => {
  test('keeps the highest counter per (leader, session, boot), never lowers it, and forgets the least recently advanced when full', () => {
    const window = new ReplayWindow(2);
    const a = { leader: 'a', session: 's', boot: '1' };
    const b = { leader: 'b', session: 's', boot: '1' };
    const c = { leader: 'c', session: 's', boot: '1' };
    window.record(a, 5);
    window.record(a, 3);
    assert.equal(window.highestOf(a), 5);
    assert.equal(window.isFresh(a, 5), false);
    assert.equal(window.isFresh(a, 6), true);
    window.record(b, 1);
    window.record(a, 6); // a advanced after b: b is now the oldest
    window.record(c, 1);
    assert.equal(window.size, 2);
    assert.deepEqual([window.highestOf(a), window.highestOf(b), window.highestOf(c)], [6, null, 1]);
    // Ids are kept apart whatever they contain.
    window.record({ leader: 'x","y', session: 's', boot: '1' }, 9);
    assert.equal(window.highestOf({ leader: 'x', session: 'y","s', boot: '1' }), null);
    assert.throws(() => new ReplayWindow(0), /capacity must be a positive integer/);
  });
});
