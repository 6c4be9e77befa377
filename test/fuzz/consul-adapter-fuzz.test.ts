/**
 * The typed Consul adapter (services/consul/client.ts) and the lock watch against a hostile HTTP
 * server on 127.0.0.1:0: 429/500/503, bodies that are not JSON or cut short, JSON of the wrong shape,
 * slow answers, X-Consul-Index headers that go backwards or are not numbers. Every call either
 * returns a value of its declared type or fails with a ConsulCallError naming the endpoint. For answers
 * as Consul's HTTP API documents them, delivered whole, an oracle says the exact value (the session ID
 * sent, the lock answer sent, the KV entry's Session and X-Consul-Index as sent, absent on 404) or the
 * exact HTTP status the error must keep.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ConsulCallError, createConsulClient, type ConsulClient, type ConsulKvEntry } from '../../services/consul/client.js';
import { watchLock } from '../../services/consul/lock-watch.js';
import { anyJson, hostileAnswer } from '../support/hostile-answers.js';
import { startHostileServer, type HostileServer } from '../support/hostile-http.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
import { until } from '../support/until.js';

const KEY = 'kuutamod-leader/pool.test';
const SESSION = '4ca8e74b-6350-7587-addf-a18084928f3c';
const REQUEST_TIMEOUT_MS = 150;
let server: HostileServer;
let consul: ConsulClient;

before(async () => {
  server = await startHostileServer(() => ({ status: 500, body: '' }));
  consul = createConsulClient({ url: server.url, requestTimeoutMs: REQUEST_TIMEOUT_MS });
});

after(async () => {
  consul.destroy();
  await server.close();
});

function isEntry(value: unknown): value is ConsulKvEntry | undefined {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) return false;
  const session: unknown = (value as Record<string, unknown>).Session;
  return session === undefined || typeof session === 'string';
}

/** Each adapter call, the endpoint its errors must name, and the check of what it returns. */
const CALLS: { name: string; endpoint: string; run: () => Promise<unknown>; valid: (value: unknown) => boolean }[] = [
  {
    name: 'createSession',
    endpoint: 'PUT /v1/session/create',
    run: () => consul.createSession({ name: 'node', ttlMs: 10_000, behavior: 'delete', lockDelayMs: 0, checks: [] }),
    valid: (id) => typeof id === 'string' && id !== '',
  },
  { name: 'renewSession', endpoint: `PUT /v1/session/renew/${SESSION}`, run: () => consul.renewSession(SESSION), valid: (value) => value === undefined },
  { name: 'destroySession', endpoint: `PUT /v1/session/destroy/${SESSION}`, run: () => consul.destroySession(SESSION), valid: (value) => value === undefined },
  {
    name: 'sessionInfo',
    endpoint: `GET /v1/session/info/${SESSION}`,
    run: () => consul.sessionInfo(SESSION),
    valid: (info) => info === undefined || (typeof (info as { ID?: unknown }).ID === 'string' && typeof (info as { Name?: unknown }).Name === 'string'),
  },
  { name: 'acquireLock', endpoint: `PUT /v1/kv/${KEY}?acquire=${SESSION}`, run: () => consul.acquireLock(KEY, '{}', SESSION), valid: (held) => typeof held === 'boolean' },
  { name: 'getKey', endpoint: `GET /v1/kv/${KEY}`, run: () => consul.getKey(KEY), valid: isEntry },
  {
    name: 'watchKey',
    endpoint: `GET /v1/kv/${KEY}`,
    run: () => consul.watchKey(KEY, '7', 1_000, new AbortController().signal),
    valid: (answer) => {
      const { entry, index } = answer as { entry: unknown; index: unknown };
      return isEntry(entry) && (index === undefined || typeof index === 'string');
    },
  },
];

/** Bodies of the right shape for the endpoints above, mixed in with the garbage. */
const goodBody = fc.oneof(
  fc.record({ ID: fc.oneof(fc.uuid(), anyJson) }),
  fc.array(fc.record({ Key: fc.constant(KEY), Session: fc.oneof(fc.uuid(), anyJson), Value: fc.constant(null) }), { maxLength: 2 }),
  fc.array(fc.record({ ID: fc.uuid(), Name: fc.string({ maxLength: 5 }) }), { maxLength: 1 }),
  fc.boolean(),
);

/** A documented answer of one call, delivered whole, and what the call must yield. */
interface CleanCase {
  call: string;
  status: number;
  body: unknown;
  index?: string;
  expected: { value: unknown } | { statusCode: number };
}

/** A KV entry as Consul sends it (Value base64 or null), with the Session the lock must see. */
const kvEntry = fc.record({ session: fc.option(fc.uuid(), { nil: undefined }), value: fc.option(fc.string({ maxLength: 10 }), { nil: null }), modifyIndex: fc.nat() }).map(({ session, value, modifyIndex }) => ({
  session,
  body: [{ Key: KEY, Value: value === null ? null : Buffer.from(value).toString('base64'), Flags: 0, LockIndex: session ? 1 : 0, CreateIndex: 1, ModifyIndex: modifyIndex, ...(session ? { Session: session } : {}) }],
}));

const sessionObject = fc.record({ ID: fc.uuid(), Name: fc.string({ maxLength: 8 }), TTL: fc.constant('10s'), Behavior: fc.constantFrom('release', 'delete'), LockDelay: fc.nat(), CreateIndex: fc.nat() }).map((info) => ({ ...info }));

const cleanCase: fc.Arbitrary<CleanCase> = fc.oneof(
  fc.uuid().map((id): CleanCase => ({ call: 'createSession', status: 200, body: { ID: id }, expected: { value: id } })),
  sessionObject.map((info): CleanCase => ({ call: 'renewSession', status: 200, body: [info], expected: { value: undefined } })),
  fc.constant<CleanCase>({ call: 'destroySession', status: 200, body: true, expected: { value: undefined } }),
  sessionObject.map((info): CleanCase => ({ call: 'sessionInfo', status: 200, body: [info], expected: { value: info } })),
  fc.constantFrom<CleanCase>({ call: 'sessionInfo', status: 200, body: [], expected: { value: undefined } }, { call: 'sessionInfo', status: 200, body: null, expected: { value: undefined } }),
  fc.boolean().map((held): CleanCase => ({ call: 'acquireLock', status: 200, body: held, expected: { value: held } })),
  kvEntry.map(({ session, body }): CleanCase => ({ call: 'getKey', status: 200, body, expected: { value: session === undefined ? 'no session' : session } })),
  fc.constant<CleanCase>({ call: 'getKey', status: 404, body: '', expected: { value: undefined } }),
  fc.tuple(kvEntry, fc.bigInt({ min: 1n, max: 2n ** 64n })).map(([{ session, body }, index]): CleanCase => ({ call: 'watchKey', status: 200, body, index: String(index), expected: { value: { session: session ?? 'no session', index: String(index) } } })),
  fc.bigInt({ min: 1n, max: 2n ** 64n }).map((index): CleanCase => ({ call: 'watchKey', status: 404, body: '', index: String(index), expected: { value: { session: undefined, index: String(index) } } })),
  // Errors keep their status: every call, every error status (404 too, but for the KV reads, where it is an absent key).
  fc.tuple(fc.constantFrom(...CALLS.map((c) => c.name)), fc.constantFrom(400, 403, 404, 429, 500, 502, 503, 504), fc.string({ maxLength: 20 })).filter(([call, status]) => status !== 404 || !['getKey', 'watchKey'].includes(call)).map(([call, status, text]): CleanCase => ({ call, status, body: text, expected: { statusCode: status } })),
);

/** What the lock reads of a getKey or watchKey answer: the entry's Session, or 'no session', or undefined (no entry). */
function sessionOf(entry: ConsulKvEntry | undefined): string | undefined {
  return entry === undefined ? undefined : (entry.Session ?? 'no session');
}

describe('Consul adapter, fuzzed against a hostile server', () => {
  test('answers as Consul documents them: exactly the value sent, or an error keeping the HTTP status', async () => {
    await fc.assert(
      fc.asyncProperty(cleanCase, async (c) => {
        const call = CALLS.find((candidate) => candidate.name === c.call)!;
        const body = typeof c.body === 'string' && 'statusCode' in c.expected ? c.body : c.status === 404 ? '' : JSON.stringify(c.body);
        // Consul writes its errors as text/plain (Go's http.Error), its answers as JSON.
        const contentType = 'statusCode' in c.expected ? 'text/plain; charset=utf-8' : 'application/json';
        server.answerWith(() => ({ status: c.status, headers: { 'content-type': contentType, ...(c.index === undefined ? {} : { 'x-consul-index': c.index }) }, body }));
        let outcome: unknown;
        try {
          outcome = { value: await call.run() };
        } catch (error) {
          outcome = error;
        }
        if ('statusCode' in c.expected) {
          assert.ok(outcome instanceof ConsulCallError, `${c.call} on HTTP ${c.status}: ${JSON.stringify(outcome)}`);
          assert.equal(outcome.statusCode, c.expected.statusCode, outcome.message);
          assert.ok(outcome.message.startsWith(`Consul ${call.endpoint}: `), outcome.message);
          return;
        }
        assert.ok(!(outcome instanceof Error), `${c.call} on ${body}: ${String(outcome)}`);
        const { value } = outcome as { value: unknown };
        if (c.call === 'getKey') assert.equal(sessionOf(value as ConsulKvEntry | undefined), c.expected.value);
        else if (c.call === 'watchKey') {
          const answer = value as { entry: ConsulKvEntry | undefined; index: string | undefined };
          assert.deepEqual({ session: sessionOf(answer.entry), index: answer.index }, c.expected.value);
        } else assert.deepEqual(value, c.expected.value, c.call);
      }),
      fuzzRuns(200, 0.1),
    );
  });


  test('every call: a value of its type, or a ConsulCallError naming the endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLS), hostileAnswer(goodBody), async (call, answer) => {
        server.answerWith(() => ({ ...answer, delayMs: answer.delayMs ? REQUEST_TIMEOUT_MS + 50 : 0 }));
        let value: unknown;
        try {
          value = await call.run();
        } catch (error) {
          assert.ok(error instanceof ConsulCallError, `${call.name}: a ConsulCallError, not ${String(error)}`);
          assert.ok(error.message.startsWith(`Consul ${call.endpoint}: `), `${call.name} names the endpoint: ${error.message}`);
          assert.ok(!/undefined|\[object/.test(error.message), `says what is wrong: ${error.message}`);
          return;
        }
        assert.ok(call.valid(value), `${call.name} returned ${JSON.stringify(value)}`);
      }),
      fuzzRuns(150, 0.1),
    );
  });

  test('the lock watch never calls a key free on an answer that is not a KV entry', async () => {
    await fc.assert(
      fc.asyncProperty(hostileAnswer(goodBody), async (answer) => {
        const held = answer.status === 200 && !answer.truncate && /"Session":"[^"]+"/.test(String(answer.body));
        server.answerWith(() => ({ ...answer, delayMs: 0 }));
        let free = 0;
        const errors: string[] = [];
        const watch = watchLock({
          consul,
          key: KEY,
          timings: { lockWatchWaitMs: 1_000, consulRetryIntervalMs: 20 },
          ownSession: () => null,
          onFree: () => free++,
          onError: (error) => errors.push(error),
        });
        try {
          await until('the watch to report something', () => free + errors.length > 0, { timeoutMs: 2_000, intervalMs: 5 });
        } finally {
          watch.stop();
        }
        if (free > 0) assert.ok(answer.status === 404 || !held, `free on ${JSON.stringify(answer)}`);
        for (const error of errors) assert.match(error, /Consul GET \/v1\/kv\//);
      }),
      fuzzRuns(60, 0.05),
    );
  });

  test('the lock watch resets a backwards index to 0, waits on 1 for an index of 0, and does not busy-loop on garbage', async () => {
    const indexes = ['10', '3', '0', 'abc', 'abc', 'abc'];
    let answered = 0;
    server.answerWith(() => ({ status: 404, headers: { 'x-consul-index': indexes[Math.min(answered++, indexes.length - 1)]! }, body: '' }));
    server.requests.length = 0;
    const watch = watchLock({ consul, key: KEY, timings: { lockWatchWaitMs: 1_000, consulRetryIntervalMs: 100 }, ownSession: () => null, onFree: () => undefined, onError: () => undefined });
    let started: number;
    let seen: number;
    try {
      await until('six queries', () => server.requests.length >= 6, { timeoutMs: 5_000, intervalMs: 5 });
      started = Date.now();
      seen = server.requests.length;
      // Three more queries on garbage: a busy loop sends them at once, a watch that waits its retry interval in 200 ms or more.
      await until('three more queries', () => server.requests.length >= seen + 3, { timeoutMs: 5_000, intervalMs: 5 });
    } finally {
      watch.stop();
    }
    const sent = server.requests.slice(0, 6).map((request) => new URL(request.split(' ')[1]!, server.url).searchParams.get('index'));
    // 10 is waited on; 3 went backwards: 0; 0 is waited on as 1; 'abc' is no index: 0, then 0 again.
    assert.deepEqual(sent, ['0', '10', '0', '1', '0', '0']);
    assert.ok(server.requests.length - seen <= Math.ceil((Date.now() - started) / 100) + 1, `at most one query per retry interval on garbage: ${server.requests.length - seen}`);
  });

  // Shrunk counterexamples of the properties above, kept as plain tests.
  test('a session create answered without an ID fails naming the endpoint', async () => {
    server.answerWith(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: 'null' }));
    await assert.rejects(consul.createSession({ name: 'n', ttlMs: 10_000, behavior: 'delete', lockDelayMs: 0, checks: [] }), /^ConsulCallError: Consul PUT \/v1\/session\/create: answered without a session ID$/);
  });

  test('a KV answer of 200 that is not a list of entries is not an absent key', async () => {
    server.answerWith(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
    await assert.rejects(consul.getKey(KEY), new RegExp(`^ConsulCallError: Consul GET /v1/kv/${KEY}: answered HTTP 200 without the key's entry$`));
  });

  test('a KV entry whose Session is not a string is refused', async () => {
    server.answerWith(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '[{"Session": 5}]' }));
    await assert.rejects(consul.getKey(KEY), /answered \{"Session":5\}, not a KV entry/);
  });

  test('a 429 keeps its status for the caller', async () => {
    server.answerWith(() => ({ status: 429, body: 'rate limit exceeded' }));
    await assert.rejects(consul.renewSession(SESSION), (error: unknown) => error instanceof ConsulCallError && error.statusCode === 429);
  });

  test('a watch answer whose X-Consul-Index is not a number passes the header on as sent', async () => {
    server.answerWith(() => ({ status: 404, headers: { 'x-consul-index': 'abc' }, body: '' }));
    assert.deepEqual(await consul.watchKey(KEY, '7', 1_000, new AbortController().signal), { entry: undefined, index: 'abc' });
  });
});
