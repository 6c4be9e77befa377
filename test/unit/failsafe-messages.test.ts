/**
 * The failsafe key and messages (issue 18, docs/failsafe-protocol.md): the key is HKDF-SHA256 of the
 * validator secret with the documented labels, the same on every member and different per account; a
 * request and an answer survive JSON both ways with their MACs, in any key order; a change to any covered
 * field, or a message of the other kind, does not verify; garbage is named, never thrown.
 */
import assert from 'node:assert/strict';
import { createHmac, hkdfSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import bs58 from 'bs58';
import { deriveFailsafeKey } from '../../services/pool/failsafe/key.js';
import {
  answerBytes,
  answerVerifies,
  parseAnswer,
  parseRequest,
  requestBytes,
  requestVerifies,
  signAnswer,
  signRequest,
  type AnswerFields,
  type FailsafeAnswer,
  type FailsafeRequest,
  type RequestFields,
} from '../../services/pool/failsafe/messages.js';
import { formatKeyFile, generateNearKey } from '../../src/cli/generate-key.js';
import { failsafeKeyFromFile } from '../../src/failsafe/failsafe-key.js';
import { OperatorError } from '../../src/errors.js';

/** Bytes 0..63: a fixed secret, so the derivation's output is pinned across versions of this code. */
const FIXED_SECRET = `ed25519:${bs58.encode(Buffer.from(Array.from({ length: 64 }, (_, i) => i)))}`;
const key = deriveFailsafeKey(FIXED_SECRET, 'pool.test');

const REQUEST: RequestFields = { account: 'pool.test', leader: 'node0', session: '1d4f7d2e-5b6a-4c1f-9e1a-2b3c4d5e6f70', boot: '0123456789abcdef0123456789abcdef', counter: 7, member: 'node1' };
const ANSWER: AnswerFields = { ...REQUEST, verdict: 'confirm', reason: null, refrainMs: 20_000 };

const roundTrip = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe('failsafe key', () => {
  test('is HKDF-SHA256 of the validator secret with the documented salt and info, used as an HMAC-SHA256 key', () => {
    const secret = Buffer.from(bs58.decode(FIXED_SECRET.slice('ed25519:'.length)));
    const expected = Buffer.from(hkdfSync('sha256', secret, 'kuutamod-failsafe-v1 salt', 'kuutamod-failsafe-v1 confirmation hmac key for account pool.test', 32));
    const data = Buffer.from('golden');
    assert.deepEqual(key.mac(data), createHmac('sha256', expected).update(data).digest());
    // Pinned: members of one pool running different versions must derive the same key.
    assert.equal(key.mac(data).toString('hex'), 'c4e4da194c59d740cb002cde704ac69f19238ee8a5b8b7763c307de7e10941e0');
  });

  test('is deterministic, and differs per account and per validator key', () => {
    const data = Buffer.from('x');
    assert.deepEqual(deriveFailsafeKey(FIXED_SECRET, 'pool.test').mac(data), key.mac(data));
    assert.notDeepEqual(deriveFailsafeKey(FIXED_SECRET, 'other.test').mac(data), key.mac(data));
    assert.notDeepEqual(deriveFailsafeKey(generateNearKey('pool.test').secret_key, 'pool.test').mac(data), key.mac(data));
  });

  test('never shows its bytes when logged or serialised', () => {
    assert.equal(JSON.stringify({ key }), '{"key":"[failsafe key]"}');
    assert.equal(String(key), '[failsafe key]');
  });

  test('a secret of the wrong shape is named', () => {
    assert.throws(() => deriveFailsafeKey('secp256k1:abc', 'pool.test'), /must start with "ed25519:"/);
    assert.throws(() => deriveFailsafeKey('ed25519:0OIl', 'pool.test'), /not base58/);
    assert.throws(() => deriveFailsafeKey(`ed25519:${bs58.encode(Buffer.alloc(32, 1))}`, 'pool.test'), /must be 64 bytes, not 32/);
    assert.throws(() => deriveFailsafeKey(FIXED_SECRET, ''), /account id is empty/);
  });

  test('from the validator key file: the same key as from its secret; a bad file names the flag and the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'failsafe-key-'));
    try {
      const nearKey = generateNearKey('pool.test');
      const path = join(dir, 'validator_key.json');
      writeFileSync(path, formatKeyFile(nearKey));
      const data = Buffer.from('x');
      assert.deepEqual(failsafeKeyFromFile(path, '--validator-key', 'pool.test').mac(data), deriveFailsafeKey(nearKey.secret_key, 'pool.test').mac(data));
      writeFileSync(path, '{"public_key": "ed25519:x"}');
      assert.throws(() => failsafeKeyFromFile(path, '--validator-key', 'pool.test'), (error: Error) => error instanceof OperatorError && error.message.startsWith(`--validator-key: key file ${path}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('failsafe messages', () => {
  test('a request and an answer survive JSON with their MACs, whatever the key order', () => {
    const request = parseRequest(roundTrip(signRequest(key, REQUEST)));
    assert.ok(request.ok);
    assert.ok(requestVerifies(key, request.value));
    const { v: _v, mac: _mac, ...fields } = request.value;
    assert.deepEqual(fields, REQUEST);
    const answer = signAnswer(key, ANSWER);
    const reversed = Object.fromEntries(Object.entries(answer).reverse());
    const parsed = parseAnswer(JSON.parse(JSON.stringify(reversed)));
    assert.ok(parsed.ok);
    assert.ok(answerVerifies(key, parsed.value));
    const refusal = parseAnswer(roundTrip(signAnswer(key, { ...ANSWER, verdict: 'refuse', reason: 'this member holds or is acquiring the lock', refrainMs: 0 })));
    assert.ok(refusal.ok && answerVerifies(key, refusal.value));
  });

  test('a change to any field the MAC covers does not verify', () => {
    const request = signRequest(key, REQUEST);
    const requestChanges: Partial<FailsafeRequest>[] = [{ account: 'other.test' }, { leader: 'node9' }, { session: 'other' }, { boot: 'f'.repeat(32) }, { counter: 8 }, { member: 'node2' }];
    for (const change of requestChanges) assert.equal(requestVerifies(key, { ...request, ...change }), false, JSON.stringify(change));
    const answer = signAnswer(key, ANSWER);
    const answerChanges: Partial<FailsafeAnswer>[] = [...requestChanges, { verdict: 'refuse', reason: 'x' }, { refrainMs: 60_000 }];
    for (const change of answerChanges) assert.equal(answerVerifies(key, { ...answer, ...change }), false, JSON.stringify(change));
    assert.equal(requestVerifies(deriveFailsafeKey(generateNearKey('pool.test').secret_key, 'pool.test'), request), false, 'another validator key');
  });

  test('requests and answers have their own labels: one never verifies as the other', () => {
    const request = signRequest(key, REQUEST);
    assert.equal(answerVerifies(key, { ...ANSWER, v: 1, mac: request.mac }), false);
    const answer = signAnswer(key, ANSWER);
    assert.equal(requestVerifies(key, { ...request, mac: answer.mac }), false);
  });

  test('the encoding is unambiguous: moving bytes between fields changes it', () => {
    const a = requestBytes({ ...REQUEST, account: 'ab', leader: 'c' });
    const b = requestBytes({ ...REQUEST, account: 'a', leader: 'bc' });
    assert.notDeepEqual(a, b);
    assert.notDeepEqual(answerBytes({ ...ANSWER, verdict: 'refuse', reason: '' }), answerBytes({ ...ANSWER, verdict: 'refuse', reason: null }));
  });

  test('garbage is named, never thrown', () => {
    const request = roundTrip(signRequest(key, REQUEST)) as Record<string, unknown>;
    const cases: [unknown, RegExp][] = [
      [null, /not a JSON object/],
      [[request], /not a JSON object/],
      ['text', /not a JSON object/],
      [{ ...request, v: 2 }, /unsupported protocol version 2 \(this daemon speaks 1\)/],
      [{ ...request, v: undefined }, /unsupported protocol version/],
      [{ ...request, account: '' }, /account must be a non-empty string/],
      [{ ...request, leader: 5 }, /leader must be a non-empty string/],
      [{ ...request, member: 'x'.repeat(257) }, /member must be a non-empty string of at most 256/],
      [{ ...request, session: '\ud800' }, /session must be/],
      [{ ...request, boot: 'ABCDEF0123456789ABCDEF0123456789' }, /boot must be 32 lower-case hex digits/],
      [{ ...request, counter: 0 }, /counter must be a positive integer/],
      [{ ...request, counter: 1.5 }, /counter must be a positive integer/],
      [{ ...request, counter: '7' }, /counter must be a positive integer/],
      [{ ...request, counter: 2 ** 53 }, /counter must be a positive integer/],
      [{ ...request, mac: 'zz' }, /mac must be 64 lower-case hex digits/],
    ];
    for (const [value, problem] of cases) {
      const parsed = parseRequest(value);
      assert.ok(!parsed.ok, JSON.stringify(value));
      assert.match(parsed.problem, problem);
    }
    const answer = roundTrip(signAnswer(key, ANSWER)) as Record<string, unknown>;
    const answerCases: [unknown, RegExp][] = [
      [{ ...answer, verdict: 'maybe' }, /verdict must be "confirm" or "refuse"/],
      [{ ...answer, reason: 'why' }, /a confirmation must have reason null/],
      [{ ...answer, verdict: 'refuse', reason: null }, /a refusal must give a reason/],
      [{ ...answer, refrainMs: -1 }, /refrainMs must be a non-negative integer/],
      [{ ...answer, refrainMs: undefined }, /refrainMs must be a non-negative integer/],
    ];
    for (const [value, problem] of answerCases) {
      const parsed = parseAnswer(value);
      assert.ok(!parsed.ok, JSON.stringify(value));
      assert.match(parsed.problem, problem);
    }
  });
});
