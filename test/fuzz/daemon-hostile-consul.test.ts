/**
 * The real daemon against a hostile Consul: a real kuutamod and the neard stand-in, Consul replaced
 * by an HTTP server on 127.0.0.1:0 that answers with garbage, with refusals, or too late. The lock can
 * never be acquired there, so the property is the safety rule itself: neard is never asked to
 * validate (the stand-in's validator log stays empty, /state never says Validating) and the daemon
 * neither dies nor prints a bare stack trace. A few fixed cases, run side by side, keep it fast.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostileHandler } from '../support/hostile-http.js';
import { startHostileServer } from '../support/hostile-http.js';
import { createNodeHome, createPoolKeys, startKuutamod, type PoolKeys } from '../support/kuutamod.js';
import { until } from '../support/until.js';

let dir: string;
let pool: PoolKeys;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'daemon-hostile-'));
  pool = createPoolKeys(dir);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const json = { 'content-type': 'application/json' };

/** Sessions are granted and renewed; the key is held by someone else or answered with garbage; acquire never says true. */
function lockNeverFree(): HostileHandler {
  let n = 0;
  const other = randomUUID();
  return (request) => {
    n++;
    const url = request.url ?? '';
    const index = { ...json, 'x-consul-index': ['12', '3', 'abc', '0', '-1'][n % 5]! };
    if (url.startsWith('/v1/session/create')) return { status: 200, headers: json, body: JSON.stringify({ ID: randomUUID() }) };
    if (url.startsWith('/v1/session/renew') || url.startsWith('/v1/session/destroy')) return { status: 200, headers: json, body: '[{}]' };
    if (url.includes('acquire=')) return [{ status: 200, headers: json, body: 'false' }, { status: 200, headers: json, body: '"true"' }, { status: 429, body: 'slow down' }, { status: 200, headers: json, body: 'tru' }][n % 4]!;
    return [
      { status: 200, headers: index, body: JSON.stringify([{ Key: 'k', Session: other, Value: null }]) },
      { status: 200, headers: index, body: '{}' },
      { status: 200, headers: index, body: '[5]' },
      { status: 200, headers: index, body: '[{"Session": 7}]' },
    ][n % 4]!;
  };
}

/** Every answer an error or garbage: 500, 503, 429, a body cut short, bytes that are not UTF-8. */
function allGarbage(): HostileHandler {
  let n = 0;
  return () =>
    [
      { status: 500, body: 'internal error' },
      { status: 503, body: 'No cluster leader' },
      { status: 429, body: '' },
      { status: 200, headers: json, body: JSON.stringify({ ID: randomUUID() }), truncate: true },
      { status: 200, headers: json, body: Buffer.from([0xff, 0xfe, 0x00]) },
    ][n++ % 5]!;
}

/** Good answers, but slower than the daemon's 5 s request timeout. */
function tooSlow(): HostileHandler {
  return () => ({ status: 200, headers: json, body: JSON.stringify({ ID: randomUUID() }), delayMs: 6_000 });
}

/** Has the case seen enough: the requests the hostile Consul got, and the daemon's last error. */
type Enough = (requests: string[], lastError: string) => boolean;

async function runAgainst(name: string, handler: HostileHandler, enough: Enough): Promise<void> {
  const consul = await startHostileServer(handler);
  const validatorLog = join(dir, `${name}-validator.log`);
  const node = await createNodeHome(dir, name, pool);
  const daemon = await startKuutamod({
    consulUrl: consul.url,
    nodeId: name,
    pool,
    node,
    env: { NEARD_STANDIN_VALIDATOR_LOG: validatorLog },
    extraArgs: ['--lock-acquire-interval', '300ms'],
  });
  const states = new Set<string>();
  let lastError = '';
  try {
    await until(
      `${name}: the hostile Consul asked enough`,
      async () => {
        const view = await daemon.state().catch(() => undefined);
        if (view?.state) states.add(view.state);
        lastError = view?.lastError ?? lastError;
        return enough(consul.requests, lastError);
      },
      {
        timeoutMs: 25_000,
        intervalMs: 100,
        failFast: () => (daemon.process.exitCode === null ? undefined : `the daemon exited (${daemon.process.exitCode}); it must keep running`),
        detail: () => `${consul.requests.length} requests\n${daemon.log().slice(-3000)}`,
      },
    );
    assert.equal(daemon.process.exitCode, null, `${name}: the daemon is still running\n${daemon.log().slice(-3000)}`);
    assert.ok(!states.has('Validating'), `${name}: never Validating, saw ${[...states].join(', ')}`);
    assert.ok(!existsSync(validatorLog) || readFileSync(validatorLog, 'utf8') === '', `${name}: neard never ran as validator`);
  } finally {
    await daemon.stop();
    await consul.close();
  }
  const log = daemon.log();
  assert.doesNotMatch(log, /unexpected error|\n\s+at /, `${name}: no bare stack trace in the log\n${log.slice(-3000)}`);
  assert.ok(!existsSync(validatorLog) || readFileSync(validatorLog, 'utf8') === '', `${name}: neard never ran as validator`);
}

const count = (requests: string[], pattern: RegExp) => requests.filter((request) => pattern.test(request)).length;

describe('the daemon against a hostile Consul', () => {
  test('never validates and never crashes, whatever Consul answers', async () => {
    await Promise.all([
      // Voting reached, the lock tried again and again, never granted.
      runAgainst('never-free', lockNeverFree(), (requests) => count(requests, /acquire=/) >= 3 && count(requests, /GET \/v1\/kv\//) >= 3),
      runAgainst('garbage', allGarbage(), (requests) => requests.length >= 5),
      runAgainst('too-slow', tooSlow(), (requests, lastError) => requests.length >= 1 && /request timed out/.test(lastError)),
    ]);
  });
});
