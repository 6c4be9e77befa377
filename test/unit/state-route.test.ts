/**
 * GET /state and /ui/state.json through the daemon's own Fastify server (inject, no socket), read from the
 * production observer fed by the real failover chart on a simulated clock: the typed view and the wire
 * agree. Fastify serialises the answer with STATE_VIEW_SCHEMA (src/state-view.ts), so every field of
 * StateView must be in the schema (else it would be dropped), and a real answer must validate against it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { pino } from 'pino';
import { FailoverObserver } from '../../src/failover-observer.js';
import { createMetrics } from '../../src/metrics.js';
import { buildServer } from '../../src/server.js';
import { buildStateView, STATE_VIEW_SCHEMA, TRANSITION_SCHEMA, type StateView } from '../../src/state-view.js';
import { startModelRun } from '../support/model-harness.js';

const identity = { nodeId: 'node-a', accountId: 'pool.test' };
const ROUTES = ['/state', '/ui/state.json'] as const;

/**
 * A JSON schema validator: Fastify's own (ajv), through a route whose body has the schema, set to report
 * rather than repair (Fastify's default removes unknown fields and coerces types, which would hide a mismatch).
 */
async function schemaErrors(body: unknown): Promise<string | null> {
  const checker = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true } } });
  checker.post('/check', { schema: { body: STATE_VIEW_SCHEMA } }, async () => 'valid');
  try {
    const response = await checker.inject({ method: 'POST', url: '/check', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return response.statusCode === 200 ? null : response.body;
  } finally {
    await checker.close();
  }
}

/** Both routes answer exactly the view the observer gives (nothing dropped or changed on the wire), and it validates. */
async function expectWireMatchesView(app: ReturnType<typeof buildServer>, observer: FailoverObserver, where: string): Promise<StateView> {
  const view = buildStateView(observer, identity);
  for (const url of ROUTES) {
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 200, `${where}: ${url}`);
    assert.deepEqual(response.json(), JSON.parse(JSON.stringify(view)), `${where}: ${url} answers the whole view`);
    assert.equal(await schemaErrors(response.json()), null, `${where}: ${url} validates against STATE_VIEW_SCHEMA`);
  }
  return view;
}

test('every field of StateView, and of a transition, is in the schema, required, and nothing else is', () => {
  const run = startModelRun({});
  try {
    run.step({ type: 'NEARD_STARTED', pid: 100, mode: 'voter', restart: false });
    const view = buildStateView(run.observer, identity);
    const transition = view.transitions[0];
    assert.ok(transition, 'a transition was recorded');
    // The compiler checks this too (objectSchema's Record<keyof T, ...>); here the built view is the witness.
    assert.deepEqual(Object.keys(STATE_VIEW_SCHEMA.properties).sort(), Object.keys(view).sort());
    assert.deepEqual([...STATE_VIEW_SCHEMA.required].sort(), Object.keys(view).sort());
    assert.equal(STATE_VIEW_SCHEMA.properties.transitions.items, TRANSITION_SCHEMA);
    assert.deepEqual(Object.keys(TRANSITION_SCHEMA.properties).sort(), Object.keys(transition).sort());
    assert.deepEqual([...TRANSITION_SCHEMA.required].sort(), Object.keys(transition).sort());
  } finally {
    run.stop();
  }
});

test('a real answer validates and arrives whole, from before the first snapshot to Validating with a lock', async () => {
  const empty = new FailoverObserver(pino({ level: 'silent' }), createMetrics(0));
  const before = buildServer({ metrics: createMetrics(0), observer: empty, identity });
  try {
    const view = await expectWireMatchesView(before, empty, 'before the first snapshot');
    assert.equal(view.state, null);
  } finally {
    await before.close();
  }

  const run = startModelRun({});
  const app = buildServer({ metrics: run.metrics, observer: run.observer, identity });
  try {
    await expectWireMatchesView(app, run.observer, 'Startup');
    run.step({ type: 'NEARD_STARTED', pid: 100, mode: 'voter', restart: false });
    run.step({ type: 'STATUS_OK', syncing: true, height: 1, validatorAccountId: null });
    await expectWireMatchesView(app, run.observer, 'Syncing');
    run.step({ type: 'STATUS_FAILED', error: 'connect ECONNREFUSED 127.0.0.1:3030' });
    const failed = await expectWireMatchesView(app, run.observer, 'a failed /status');
    assert.equal(failed.lastError, 'connect ECONNREFUSED 127.0.0.1:3030');
    run.step({ type: 'STATUS_OK', syncing: false, height: 2, validatorAccountId: null });
    run.step({ type: 'SESSION_CREATED', sessionId: 'session-1', sentAt: 0 });
    run.step({ type: 'LOCK_ACQUIRED' });
    run.step({ type: 'NEARD_STARTED', pid: 101, mode: 'validator', restart: true });
    const validating = await expectWireMatchesView(app, run.observer, 'Validating');
    assert.deepEqual(
      [validating.state, validating.holdsLock, validating.sessionId, validating.neardPid, validating.neardMode, validating.blockHeight],
      ['Validating', true, 'session-1', 101, 'validator', 2],
    );
    assert.ok(validating.transitions.length >= 4, `transitions recorded: ${JSON.stringify(validating.transitions)}`);
    assert.deepEqual([validating.production, validating.lastTakeoverCheck], [null, null], 'nothing reported by the production watch yet');
    run.step({ type: 'OWN_PRODUCTION', health: 'producing', takeover: { result: 'producing', detail: 'validating and producing: block #11' }, detail: 'producing', countsProblem: null });
    const producing = await expectWireMatchesView(app, run.observer, 'Validating, producing');
    assert.deepEqual(producing.production, { health: 'producing', verdict: null, leaderId: null, detail: 'producing', countsProblem: null });
    assert.equal(producing.lastTakeoverCheck?.result, 'producing');
    assert.equal(producing.lastTakeoverCheck?.detail, 'validating and producing: block #11');
  } finally {
    run.stop();
    await app.close();
  }
});

test('the validator has teeth: an unknown field, a missing one or a wrong type is refused', async () => {
  const run = startModelRun({});
  try {
    run.step({ type: 'NEARD_STARTED', pid: 100, mode: 'voter', restart: false });
    const view: Record<string, unknown> = JSON.parse(JSON.stringify(buildStateView(run.observer, identity))) as Record<string, unknown>;
    assert.equal(await schemaErrors(view), null);
    assert.match((await schemaErrors({ ...view, extra: 1 })) ?? '', /additional properties/);
    const { holdsLock: _dropped, ...missing } = view;
    assert.match((await schemaErrors(missing)) ?? '', /holdsLock/);
    assert.match((await schemaErrors({ ...view, neardPid: '100' })) ?? '', /neardPid/);
    assert.match((await schemaErrors({ ...view, state: 'Dancing' })) ?? '', /state/);
  } finally {
    run.stop();
  }
});
