/**
 * POST /v1/failsafe/confirm through Fastify's inject (no socket): an answer as JSON, rejections with their
 * status and a JSON error, each distinct rejection kind logged once per peer, a body over the limit or of
 * any content type taken as garbage, and the rest of the server keeping its own JSON parsing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { pino } from 'pino';
import { signRequest, type FailsafeAnswer, type RequestFields } from '../../services/pool/failsafe/messages.js';
import { FAILSAFE_CONFIRM_PATH } from '../../services/pool/member-failsafe.js';
import { FAILSAFE_BODY_LIMIT, failsafeConfirmPlugin } from '../../src/failsafe/confirm-route.js';
import { ACCOUNT, DEFAULT_REFRAIN_MS, freshPoolKey, testMember, TestClock, type LogLine, type TestMember } from '../support/failsafe-fixture.js';

const key = freshPoolKey();
const fields = (counter: number, change: Partial<RequestFields> = {}): RequestFields => ({ account: ACCOUNT, leader: 'node0', session: 's', boot: 'c'.repeat(32), counter, member: 'node1', ...change });

const post = (member: TestMember, payload: string, remoteAddress = '10.0.0.5', contentType = 'application/json') =>
  member.app.inject({ method: 'POST', url: FAILSAFE_CONFIRM_PATH, payload, headers: { 'content-type': contentType }, remoteAddress });

const warnings = (member: TestMember) => member.logs.filter((line) => line.level === 40).map((line) => [line.peer, line.kind]);

describe('failsafe confirm route', () => {
  test('answers a confirmation as JSON and hands the refrain to the daemon', async () => {
    const clock = new TestClock(42_000);
    const member = testMember({ nodeId: 'node1', key, clock });
    const response = await post(member, JSON.stringify(signRequest(key, fields(1))));
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const answer = response.json<FailsafeAnswer>();
    assert.deepEqual([answer.verdict, answer.counter, answer.member, answer.refrainMs], ['confirm', 1, 'node1', DEFAULT_REFRAIN_MS]);
    assert.deepEqual(member.refrains, [42_000 + DEFAULT_REFRAIN_MS]);
  });

  test('rejections answer with their status and a JSON error; each kind is logged once per peer', async () => {
    const member = testMember({ nodeId: 'node1', key, clock: new TestClock() });
    const forged = JSON.stringify(signRequest(freshPoolKey(), fields(1)));
    for (let i = 0; i < 3; i++) {
      const response = await post(member, forged);
      assert.equal(response.statusCode, 403);
      assert.equal(response.json<{ kind: string }>().kind, 'forged');
      assert.match(response.json<{ error: string }>().error, /^forged request/);
    }
    assert.equal((await post(member, JSON.stringify(signRequest(key, fields(1, { member: 'node2' }))))).statusCode, 421);
    assert.equal((await post(member, forged, '10.0.0.6')).statusCode, 403);
    const valid = JSON.stringify(signRequest(key, fields(1)));
    assert.equal((await post(member, valid)).statusCode, 200);
    assert.equal((await post(member, valid)).statusCode, 409);
    assert.equal((await post(member, valid)).statusCode, 409);
    assert.deepEqual(warnings(member), [['10.0.0.5', 'forged'], ['10.0.0.5', 'wrong pool or member'], ['10.0.0.6', 'forged'], ['10.0.0.5', 'replayed']]);
    assert.match(member.logs[0]!.msg, /^failsafe: rejected a confirmation request from 10\.0\.0\.5 \(forged\): forged request: .*; further forged requests from this peer are not logged$/);
  });

  test('garbage of any content type, and a body over the limit, are rejected as garbage in JSON', async () => {
    const member = testMember({ nodeId: 'node1', key, clock: new TestClock() });
    const notJson = await post(member, 'confirm me', '10.0.0.5', 'text/plain');
    assert.equal(notJson.statusCode, 400);
    assert.match(notJson.json<{ error: string }>().error, /^garbage request: not JSON/);
    const badJson = await post(member, '{"v":1', '10.0.0.5');
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.json<{ kind: string }>().kind, 'garbage');
    const empty = await member.app.inject({ method: 'POST', url: FAILSAFE_CONFIRM_PATH, remoteAddress: '10.0.0.7' });
    assert.equal(empty.statusCode, 400);
    const huge = await post(member, JSON.stringify({ padding: 'x'.repeat(FAILSAFE_BODY_LIMIT) }), '10.0.0.8');
    assert.equal(huge.statusCode, 413);
    assert.deepEqual(huge.json<{ kind: string }>().kind, 'garbage');
    assert.deepEqual(warnings(member), [['10.0.0.5', 'garbage'], ['10.0.0.7', 'garbage'], ['10.0.0.8', 'garbage']]);
    assert.equal(member.refrains.length, 0);
  });

  test('a refusal is answered (200, signed) and logged once per peer and reason', async () => {
    const member = testMember({ nodeId: 'node1', key, clock: new TestClock() });
    member.view = { holdsOrAcquiringLock: true, consulHolder: 'unknown' };
    for (const counter of [1, 2]) {
      const response = await post(member, JSON.stringify(signRequest(key, fields(counter))));
      assert.equal(response.statusCode, 200);
      assert.equal(response.json<FailsafeAnswer>().verdict, 'refuse');
    }
    assert.deepEqual(member.logs.map((l) => l.msg), ['failsafe: refused to confirm leader node0: this member holds or is acquiring the lock']);
    assert.equal(member.refrains.length, 0);
  });

  test('only POST is served, and the server\'s other routes keep Fastify\'s JSON parsing', async () => {
    const member = testMember({
      nodeId: 'node1',
      key,
      clock: new TestClock(),
      extraRoutes: (app) => app.post('/echo', async (request) => ({ got: request.body })),
    });
    assert.equal((await member.app.inject({ method: 'GET', url: FAILSAFE_CONFIRM_PATH })).statusCode, 404);
    const echo = await member.app.inject({ method: 'POST', url: '/echo', payload: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.deepEqual(echo.json(), { got: { a: 1 } });
  });

  test('a failure of this daemon (the responder throws) is a 500 and an error line, not garbage', async () => {
    const lines: LogLine[] = [];
    const app = Fastify({ logger: false });
    const respond = () => {
      throw new Error('view unavailable');
    };
    await app.register(failsafeConfirmPlugin, { respond, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) }) });
    const response = await app.inject({ method: 'POST', url: FAILSAFE_CONFIRM_PATH, payload: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { error: 'this member could not answer: view unavailable' });
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [[50, 'failsafe: could not answer a confirmation request: view unavailable']]);
  });
});
