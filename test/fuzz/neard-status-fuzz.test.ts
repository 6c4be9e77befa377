/**
 * neard's /status answered by a hostile HTTP server on 127.0.0.1:0: error statuses, bodies that are
 * not JSON or cut short, JSON of the wrong shape, answers slower than the request timeout. The real
 * fetch path either yields a well-formed status or fails with an Error naming the URL it asked;
 * the status poller actor turns each failure into a STATUS_FAILED fact and keeps polling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createActor, setup, type AnyEventObject } from 'xstate';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { fetchNeardStatus, statusPollerActor } from '../../services/neard/status-poller.js';
import { hostileAnswer } from '../support/hostile-answers.js';
import { startHostileServer, type HostileServer } from '../support/hostile-http.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
import { until } from '../support/until.js';

const TIMEOUT_MS = 150;
let server: HostileServer;

before(async () => {
  server = await startHostileServer(() => ({ status: 500, body: '' }));
});

after(() => server.close());

/** A /status body that is right now and then, so good answers meet bad delivery too. */
const goodStatus = fc.record({
  sync_info: fc.record({ syncing: fc.boolean(), latest_block_height: fc.oneof(fc.nat(), fc.integer({ min: -3, max: -1 }), fc.double()) }),
  validator_account_id: fc.oneof(fc.constant(null), fc.string({ maxLength: 8 })),
});

/** Check one outcome of fetchNeardStatus against the property. */
async function checkFetch(): Promise<void> {
  const url = `${server.url}/status`;
  try {
    const status = await fetchNeardStatus(server.url, TIMEOUT_MS);
    assert.equal(typeof status.syncing, 'boolean');
    assert.ok(Number.isSafeInteger(status.height) && status.height >= 0, `height ${status.height} is a block height`);
    assert.ok(status.validatorAccountId === null || typeof status.validatorAccountId === 'string');
  } catch (error) {
    assert.ok(error instanceof Error, `an Error, not ${String(error)}`);
    assert.ok(error.message.startsWith(`neard ${url}: `), `names the URL: ${error.message}`);
    assert.ok(!/undefined|\[object/.test(error.message), `says what is wrong: ${error.message}`);
  }
}

describe('neard /status, fuzzed against a hostile server', () => {
  test('any answer: a well-formed status or an Error naming the URL', async () => {
    await fc.assert(
      fc.asyncProperty(hostileAnswer(goodStatus), async (answer) => {
        server.answerWith(() => ({ ...answer, delayMs: answer.delayMs ? TIMEOUT_MS + 50 : 0 }));
        await checkFetch();
      }),
      fuzzRuns(100, 0.1),
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
