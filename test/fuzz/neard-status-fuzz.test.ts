/**
 * neard's /status: the parser against an independent model of nearcore's StatusResponse
 * (test/support/neard-status-model.ts), then the real fetch path against a hostile HTTP server on
 * 127.0.0.1:0 (error statuses, bodies that are not JSON or cut short, answers slower than the request
 * timeout). Each answer's outcome is predicted before it is sent: the exact status the model chose, or
 * the exact refusal (the field named, the HTTP status, "not JSON" with its length, the timeout). The
 * status poller actor turns each failure into a STATUS_FAILED fact and keeps polling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createActor, setup, type AnyEventObject } from 'xstate';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { fetchNeardStatus, parseNeardStatus, statusPollerActor, type NeardStatus } from '../../services/neard/status-poller.js';
import { errorStatus, notJsonBody } from '../support/hostile-answers.js';
import { startHostileServer, type HostileAnswer, type HostileServer } from '../support/hostile-http.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
import { statusCase, type StatusCase } from '../support/neard-status-model.js';
import { until } from '../support/until.js';

const TIMEOUT_MS = 150;
let server: HostileServer;

before(async () => {
  server = await startHostileServer(() => ({ status: 200, body: '' }));
});

after(() => server.close());

/** What one call must yield: a status, or an error whose message (after `neard <url>: `) starts with `prefix`. */
type Outcome = { ok: NeardStatus } | { error: string[] };

/** The model's verdict as an outcome: the parser's message begins with the broken field's path. */
function modelOutcome(expected: StatusCase['expected']): Outcome {
  return 'ok' in expected ? { ok: expected.ok } : { error: expected.refused.map((field) => `${field} `) };
}

/** The parser's outcome on a body, as an Outcome, for comparing with the model's. */
function parseOutcome(body: unknown): NeardStatus | Error {
  try {
    return parseNeardStatus(body);
  } catch (error) {
    return error as Error;
  }
}

function assertOutcome(actual: NeardStatus | Error, expected: Outcome, context: string, prefix = ''): void {
  if ('ok' in expected) {
    assert.ok(!(actual instanceof Error), `${context}: refused (${actual instanceof Error ? actual.message : ''}), but the model says ${JSON.stringify(expected.ok)}`);
    assert.deepEqual(actual, expected.ok, context);
    return;
  }
  assert.ok(actual instanceof Error, `${context}: read as ${JSON.stringify(actual)}, but the model says refused: ${expected.error.join(' or ')}`);
  assert.ok(actual.message.startsWith(prefix), `${context}: names the URL: ${actual.message}`);
  const rest = actual.message.slice(prefix.length);
  assert.ok(expected.error.some((start) => rest.startsWith(start)), `${context}: the message must begin with ${expected.error.map((e) => `'${e}'`).join(' or ')}: ${actual.message}`);
  assert.ok(!/undefined|\[object/.test(actual.message), `${context}: says what is wrong: ${actual.message}`);
}

/** A body on the wire with what the model says of it; undefined for bodies the model did not make. */
const wireBody: fc.Arbitrary<{ body: string | Buffer; model: StatusCase['expected'] | undefined }> = fc.oneof(
  statusCase.map((c) => ({ body: JSON.stringify(c.body), model: c.expected })),
  notJsonBody.map((body) => ({ body, model: undefined })),
);

/**
 * What fetchNeardStatus must yield for `answer`, worked out from the answer alone. Text is decoded as
 * the Fetch standard says (UTF-8, bad bytes replaced, a leading BOM dropped): TextDecoder does exactly that.
 */
function expectedFetch(answer: HostileAnswer, model: StatusCase['expected'] | undefined): Outcome {
  if (answer.delayMs) return { error: [`no answer within ${TIMEOUT_MS}ms`] };
  const cut = answer.truncate === true && Buffer.byteLength(answer.body) > 1;
  if (answer.status !== 200) {
    // Cut short after the headers: the status may be read before the close, or the close seen first.
    return { error: cut ? [`answered HTTP ${answer.status}`, 'the connection closed mid-answer'] : [`answered HTTP ${answer.status}`] };
  }
  if (cut) return { error: ['the connection closed mid-answer'] };
  const text = new TextDecoder().decode(typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: [`answered a body that is not JSON (${text.length} characters)`] };
  }
  if (model !== undefined) return modelOutcome(model);
  // Text that happens to be JSON (a number, a word): never a StatusResponse.
  assert.ok(typeof json !== 'object' || json === null || !('sync_info' in json), `the generator made a sync_info by chance: ${text}`);
  return { error: ['sync_info '] };
}

describe('neard /status, against a model of nearcore\'s StatusResponse', () => {
  test('a well-formed answer reads as exactly the values the model chose; a broken one is refused naming the broken field', () => {
    fc.assert(
      fc.property(statusCase, ({ body, expected }) => {
        assertOutcome(parseOutcome(body), modelOutcome(expected), JSON.stringify(body).slice(0, 300));
      }),
      fuzzRuns(600, 0.5),
    );
  });

  test('the model makes every kind of case: good answers, each field broken, informational fields odd', () => {
    // Without this a generator that stopped breaking (or stopped making good answers) would pass unseen.
    const seen = new Set<string>();
    for (const { expected } of fc.sample(statusCase, { numRuns: 400, seed: 7 })) {
      if ('ok' in expected) {
        seen.add('ok');
        if (expected.ok.validatorAccountId === null) seen.add('ok without account');
        if (expected.ok.neardVersion === null) seen.add('ok without version');
        if (expected.ok.syncing) seen.add('ok syncing');
        else seen.add('ok synced');
      } else {
        for (const field of expected.refused) seen.add(field);
      }
    }
    assert.deepEqual([...seen].sort(), ['ok', 'ok synced', 'ok syncing', 'ok without account', 'ok without version', 'sync_info', 'sync_info.latest_block_height', 'sync_info.syncing']);
  });
});

describe('neard /status, fuzzed against a hostile server', () => {
  test('any answer: the status the model chose, or the refusal the answer calls for, naming the URL', async () => {
    const answers = fc.record({
      wire: wireBody,
      status: fc.oneof({ weight: 4, arbitrary: fc.constant(200) }, { weight: 1, arbitrary: errorStatus }),
      truncate: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      delayed: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    });
    await fc.assert(
      fc.asyncProperty(answers, async ({ wire, status, truncate, delayed }) => {
        const answer: HostileAnswer = { status, body: wire.body, truncate, delayMs: delayed ? TIMEOUT_MS + 50 : 0 };
        server.answerWith(() => answer);
        const url = `${server.url}/status`;
        const started = performance.now();
        let actual: NeardStatus | Error;
        try {
          actual = await fetchNeardStatus(server.url, TIMEOUT_MS);
        } catch (error) {
          actual = error as Error;
        }
        const expected = expectedFetch(answer, wire.model);
        // A loaded machine may make a prompt answer late; a timeout is then right, but only after the timeout.
        if (actual instanceof Error && actual.message === `neard ${url}: no answer within ${TIMEOUT_MS}ms` && !answer.delayMs) {
          assert.ok(performance.now() - started >= TIMEOUT_MS - 5, `timed out after ${(performance.now() - started).toFixed(0)} ms, before ${TIMEOUT_MS} ms`);
          return;
        }
        assertOutcome(actual, expected, `${status}${truncate ? ' cut' : ''}${delayed ? ' late' : ''} ${String(wire.body).slice(0, 200)}`, `neard ${url}: `);
      }),
      fuzzRuns(150, 0.1),
    );
  });

  test('the poller reports each failure as STATUS_FAILED and keeps polling', async () => {
    server.answerWith(() => ({ status: 200, body: '{"sync_info": ' }));
    const events: AnyEventObject[] = [];
    const parent = setup({
      actors: { poller: statusPollerActor({ rpcUrl: server.url, timings: { ...DEFAULT_TIMINGS, statusIntervalMs: 10, requestTimeoutMs: TIMEOUT_MS } }) },
    }).createMachine({
      invoke: { src: 'poller' },
      on: { '*': { actions: ({ event }) => events.push(event) } },
    });
    const actor = createActor(parent).start();
    try {
      await until('three reports', () => events.length >= 3, { timeoutMs: 5_000, intervalMs: 10, detail: () => `got ${JSON.stringify(events)}` });
    } finally {
      actor.stop();
    }
    for (const event of events) {
      assert.equal(event.type, 'STATUS_FAILED');
      assert.match(String(event.error), new RegExp(`^Failed to get status: neard ${server.url}/status: answered a body that is not JSON`));
    }
  });

  // Shrunk counterexamples of the property above, kept as plain tests.
  test('an error status names the URL asked', async () => {
    server.answerWith(() => ({ status: 400, body: '' }));
    await assert.rejects(fetchNeardStatus(server.url, TIMEOUT_MS), new RegExp(`^Error: neard ${server.url}/status: answered HTTP 400$`));
  });

  test('a sync_info that is a list is refused as not an object', () => {
    assert.throws(() => parseNeardStatus({ sync_info: [{ syncing: false, latest_block_height: 5 }] }), /^Error: sync_info is not an object \(\[\{/);
  });

  test('a missing syncing says missing; syncing is read as sent, not inverted', () => {
    assert.throws(() => parseNeardStatus({ sync_info: { latest_block_height: 5 } }), /^Error: sync_info\.syncing is not a boolean \(missing\)$/);
    assert.equal(parseNeardStatus({ sync_info: { syncing: true, latest_block_height: 5 } }).syncing, true);
    assert.equal(parseNeardStatus({ sync_info: { syncing: false, latest_block_height: 5 } }).syncing, false);
  });

  test('a negative block height is refused', async () => {
    server.answerWith(() => ({ status: 200, body: JSON.stringify({ sync_info: { syncing: false, latest_block_height: -1 } }) }));
    await assert.rejects(fetchNeardStatus(server.url, TIMEOUT_MS), /sync_info\.latest_block_height is not a block height \(-1\)/);
  });

  test('a body that is not JSON is named as such', async () => {
    server.answerWith(() => ({ status: 200, body: '' }));
    await assert.rejects(fetchNeardStatus(server.url, TIMEOUT_MS), new RegExp(`^Error: neard ${server.url}/status: answered a body that is not JSON`));
  });

  test('an answer slower than the request timeout says so', async () => {
    server.answerWith(() => ({ status: 200, body: '{}', delayMs: TIMEOUT_MS + 100 }));
    await assert.rejects(fetchNeardStatus(server.url, TIMEOUT_MS), new RegExp(`^Error: neard ${server.url}/status: no answer within ${TIMEOUT_MS}ms$`));
  });

  test('a body cut short is named as such', async () => {
    server.answerWith(() => ({ status: 200, body: JSON.stringify({ sync_info: { syncing: false, latest_block_height: 5 } }), truncate: true }));
    await assert.rejects(fetchNeardStatus(server.url, TIMEOUT_MS), new RegExp(`^Error: neard ${server.url}/status: the connection closed mid-answer`));
  });
});
