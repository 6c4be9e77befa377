/**
 * The probes /leader, /standby, /liveness, /readiness (src/probes.ts) through the daemon's own Fastify
 * server (inject, no socket), read from the production observer fed by the real failover chart on a
 * simulated clock: every probe is seen answering 200 and 503 as the node walks from Startup through
 * leadership, a step-down and Shutdown.Done. kuutamod's /health stays 200 throughout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { FailoverObserver } from '../../src/failover-observer.js';
import { createMetrics } from '../../src/metrics.js';
import type { ProbeAnswer } from '../../src/probes.js';
import { buildServer } from '../../src/server.js';
import { startModelRun, type ModelRun } from '../support/model-harness.js';

const PROBE_PATHS = ['/leader', '/standby', '/liveness', '/readiness'] as const;
type ProbePath = (typeof PROBE_PATHS)[number];
type Expected = Record<ProbePath, 200 | 503>;

const identity = { nodeId: 'node-a', accountId: 'pool.test' };

/** Asks every probe and checks each status code, and that all four bodies are the same `answer`. */
async function expectProbes(app: FastifyInstance, expected: Expected, answer: ProbeAnswer): Promise<void> {
  for (const path of PROBE_PATHS) {
    const response = await app.inject({ method: 'GET', url: path });
    assert.equal(response.statusCode, expected[path], `${path} in ${answer.detail ?? 'no state'}`);
    assert.deepEqual(response.json(), answer, `${path} body`);
    assert.equal(response.headers['cache-control'], 'no-store');
  }
  const health = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(health.statusCode, 200, '/health is kuutamod\'s: always OK while the server answers');
}

test('before the chart\'s first snapshot the daemon is alive and nothing else', async () => {
  const app = buildServer({ metrics: createMetrics(0), observer: new FailoverObserver(pino({ level: 'silent' }), createMetrics(0)), identity });
  try {
    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 200, '/readiness': 503 }, { role: 'none', state: null, detail: null });
  } finally {
    await app.close();
  }
});

test('probes follow the chart from Startup to leader, step-down and Shutdown.Done', async () => {
  const run: ModelRun = startModelRun({});
  const app = buildServer({ metrics: run.metrics, observer: run.observer, identity });
  try {
    const none = (state: ProbeAnswer['state'], detail: string): ProbeAnswer => ({ role: 'none', state, detail });

    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 200, '/readiness': 503 }, none('Startup', 'Startup'));

    run.step({ type: 'NEARD_STARTED', pid: 100, mode: 'voter', restart: false });
    run.step({ type: 'STATUS_OK', syncing: true, height: 1, validatorAccountId: null });
    // Still catching up: not ready.
    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 200, '/readiness': 503 }, none('Syncing', 'Syncing'));

    run.step({ type: 'STATUS_OK', syncing: false, height: 2, validatorAccountId: null });
    // Synced and registering its session: ready, but not contending yet.
    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 200, '/readiness': 200 }, none('Registering', 'Registering'));

    run.step({ type: 'SESSION_CREATED', sessionId: 'session-1', sentAt: 0 });
    await expectProbes(app, { '/leader': 503, '/standby': 200, '/liveness': 200, '/readiness': 200 }, { role: 'standby', state: 'Voting', detail: 'Voting.Contending' });

    run.step({ type: 'LOCK_ACQUIRED' });
    // The lock is ours, but neard still runs as voter until the validator neard is reported started.
    assert.equal(run.context().holdsLock, true);
    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 200, '/readiness': 200 }, none('Validating', 'Validating.Leased.Checking'));

    run.step({ type: 'NEARD_STARTED', pid: 101, mode: 'validator', restart: true });
    await expectProbes(app, { '/leader': 200, '/standby': 503, '/liveness': 200, '/readiness': 200 }, { role: 'leader', state: 'Validating', detail: 'Validating.Leased.Checking' });

    // The leader's neard reports syncing: it keeps validating (as kuutamod), but is not ready.
    run.step({ type: 'STATUS_OK', syncing: true, height: 3, validatorAccountId: 'pool.test' });
    await expectProbes(app, { '/leader': 200, '/standby': 503, '/liveness': 200, '/readiness': 503 }, { role: 'leader', state: 'Validating', detail: 'Validating.Leased.Checking' });
    run.step({ type: 'STATUS_OK', syncing: false, height: 4, validatorAccountId: 'pool.test' });

    // No renewal for stepDownAfterMs: the node steps down and gives its session up; it no longer contends.
    run.clock.increment(run.context().timings.stepDownAfterMs);
    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 200, '/readiness': 200 }, none('Voting', 'Voting.Resigning'));

    run.step({ type: 'SHUTDOWN', reason: 'SIGTERM' });
    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 200, '/readiness': 503 }, none('Shutdown', 'Shutdown.StoppingNeard'));
    run.step({ type: 'NEARD_STOPPED' });
    run.step({ type: 'NEARD_KEY_RELEASED' });
    run.step({ type: 'SESSION_CLOSED' });
    // The chart is finished: a supervisor may restart the daemon.
    await expectProbes(app, { '/leader': 503, '/standby': 503, '/liveness': 503, '/readiness': 503 }, none('Shutdown', 'Shutdown.Done'));
  } finally {
    run.stop();
    await app.close();
  }
});
