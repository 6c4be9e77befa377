/**
 * The neard guard's safety rules on a real child process (`sleep` standing in for neard):
 * no validator without a lease, SIGKILL at the lease deadline, hot-swap promotion under the same
 * rules, and after the daemon's death: stop neard first, then destroy the session. After a fence on a
 * lapsed lease: neard dead first, then its session destroyed and reported, and no lease of it counts again.
 * A config reload (SIGHUP) never while a voter's home holds the validator key.
 * Consul is a plain HTTP server recording the requests (the real Consul is in the integration tests).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { monotonicNow } from '../../services/monotonic-clock.js';
import { NeardGuard } from '../../services/neard/guard/guard.js';
import type { FromGuard, ToGuard } from '../../services/neard/guard/protocol.js';
import { actorTimings } from '../../services/service-timings.js';
import { catchesSignal, ignoresSignal } from '../support/process-state.js';
import { until, untilValue } from '../support/until.js';

/** A guard whose messages go to an inbox; `onMessage` sees each one the moment the guard sends it. */
function guardWithInbox(onMessage: (message: FromGuard) => void = () => undefined) {
  const inbox: FromGuard[] = [];
  const guard = new NeardGuard(
    (message) => {
      onMessage(message);
      inbox.push(message);
    },
    () => undefined,
  );
  /** The first message of this type the guard sent, taken out of the inbox. */
  const next = <T extends FromGuard['type']>(type: T, timeoutMs = 5_000): Promise<Extract<FromGuard, { type: T }>> =>
    untilValue(
      `a '${type}' message`,
      () => {
        const index = inbox.findIndex((message) => message.type === type);
        return index >= 0 ? (inbox.splice(index, 1)[0] as Extract<FromGuard, { type: T }>) : undefined;
      },
      { timeoutMs, detail: () => `got ${JSON.stringify(inbox)}` },
    );
  return { guard, next };
}

/** An HTTP server standing in for Consul's API: answers `true` and records every request, in order. */
async function recordingConsul(events: string[]): Promise<{ url: string; close: () => void }> {
  const consul: Server = createServer((request, response) => {
    events.push(`${request.method} ${request.url}`);
    response.end('true');
  });
  await new Promise<void>((resolve) => consul.listen(0, '127.0.0.1', resolve));
  const port = (consul.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => consul.close() };
}

/**
 * A guard and a recording Consul that share one event list: Consul's requests, and 'neard exited' for
 * neard's first exit, recorded when the guard reports it (not when the test gets round to reading it).
 */
async function guardBesideConsul() {
  const events: string[] = [];
  const consul = await recordingConsul(events);
  const { guard, next } = guardWithInbox((message) => {
    if (message.type === 'exited' && !events.includes('neard exited')) events.push('neard exited');
  });
  return { events, consul, guard, next };
}

const helloFor = (url: string): Extract<ToGuard, { type: 'hello' }> => ({
  type: 'hello',
  consul: { url },
  timings: actorTimings({ ...DEFAULT_TIMINGS, neardStopTimeoutMs: 5_000 }),
});

/** Greet the guard with Consul's address, tell it session s1 with a lease of leaseMs, start neard (sleep). */
function startOnSession(guard: NeardGuard, consulUrl: string, mode: 'voter' | 'validator', leaseMs: number): void {
  guard.handle(helloFor(consulUrl));
  guard.handle({ type: 'session', sessionId: 's1' });
  guard.handle({ type: 'lease', killAt: monotonicNow() + leaseMs, sessionId: 's1' });
  guard.handle({ type: 'start', mode, bin: 'sleep', args: ['30'] });
}

test('a validator start without a lease, or with an expired one, is refused', async () => {
  const { guard, next } = guardWithInbox();
  guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
  assert.match((await next('refused')).reason, /no valid lease/);
  guard.handle({ type: 'lease', killAt: monotonicNow() - 1, sessionId: 's1' });
  guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
  assert.match((await next('refused')).reason, /no valid lease/);
});

test('a validating neard is SIGKILLed at the lease deadline, and a renewed lease pushes the deadline', async () => {
  const { guard, next } = guardWithInbox();
  guard.handle({ type: 'lease', killAt: monotonicNow() + 300, sessionId: 's1' });
  guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
  const started = await next('started');
  const startedAt = monotonicNow();
  guard.handle({ type: 'lease', killAt: startedAt + 600, sessionId: 's1' }); // a renewal arrived
  const exit = await next('exited');
  const killedAfter = monotonicNow() - startedAt;
  assert.equal(exit.pid, started.pid);
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(exit.fenced, true);
  assert.equal(exit.requested, false, 'reported as an unexpected exit, so the chart leaves Validating');
  assert.ok(killedAfter >= 590 && killedAfter < 900, `killed at the renewed deadline (${killedAfter} ms)`);
});

test('a voter neard is not fenced by the lease; promotion arms the fence and needs a valid lease', async () => {
  const { guard, next } = guardWithInbox();
  const leaseEnd = monotonicNow() + 200;
  guard.handle({ type: 'lease', killAt: leaseEnd, sessionId: 's1' });
  // Ignoring SIGHUP (inherited through exec) stands in for neard's reload on SIGHUP.
  guard.handle({ type: 'start', mode: 'voter', bin: 'sh', args: ['-c', "trap '' HUP; exec sleep 30"] });
  const started = await next('started');
  await until('the voter to outlive its lease', () => monotonicNow() > leaseEnd);
  guard.handle({ type: 'promote' });
  assert.match((await next('refused')).reason, /no valid lease/, 'the voter outlived the lease and may not be promoted');
  guard.handle({ type: 'lease', killAt: monotonicNow() + 300, sessionId: 's1' });
  guard.handle({ type: 'promote' });
  assert.deepEqual(await next('started'), { type: 'started', pid: started.pid, mode: 'validator' });
  const exit = await next('exited');
  assert.equal(exit.fenced, true);
  assert.equal(exit.mode, 'validator');
});

test('a config reload (planned stop) is a SIGHUP only when it cannot hand a voter the validator key', async () => {
  const { guard, next } = guardWithInbox();
  const dir = mkdtempSync(join(tmpdir(), 'guard-reload-'));
  const keyFile = join(dir, 'validator_key.json');
  const hups = join(dir, 'hups');
  // The stand-in notes every SIGHUP it gets in a file.
  guard.handle({ type: 'start', mode: 'voter', bin: 'sh', args: ['-c', `trap 'echo hup >> ${hups}' HUP; while :; do sleep 0.05; done`] });
  const { pid } = await next('started');
  await until('the stand-in set its SIGHUP trap', () => catchesSignal(pid, 'SIGHUP'));
  try {
    guard.handle({ type: 'reload', pid: pid + 100_000, keyFile });
    assert.equal((await next('reload-refused')).failure, 'gone', 'not the neard the guard runs');
    writeFileSync(keyFile, '{}');
    guard.handle({ type: 'reload', pid, keyFile });
    const busy = await next('reload-refused');
    assert.equal(busy.failure, 'busy', 'a voter whose home holds the key would load it');
    assert.match(busy.reason, /being handed to neard/);
    rmSync(keyFile);
    guard.handle({ type: 'reload', pid, keyFile });
    assert.deepEqual(await next('reloaded'), { type: 'reloaded', pid });
    await until('neard got the SIGHUP', () => existsSync(hups));
    assert.equal(readFileSync(hups, 'utf8'), 'hup\n', 'exactly one: the refused reloads sent none');
  } finally {
    guard.handle({ type: 'stop', timeoutMs: 1_000 });
    await next('exited');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A voter neard stuck in a long flush: a sleep that ignores SIGTERM (inherited through exec). */
async function startNeardIgnoringSigterm(guard: NeardGuard, next: ReturnType<typeof guardWithInbox>['next']): Promise<void> {
  guard.handle({ type: 'start', mode: 'voter', bin: 'sh', args: ['-c', "trap '' TERM; exec sleep 30"] });
  const { pid } = await next('started');
  await until('the shell to set its trap', () => ignoresSignal(pid, 'SIGTERM'));
}

test('a requested stop: SIGTERM, then SIGKILL after the timeout', async () => {
  const { guard, next } = guardWithInbox();
  await startNeardIgnoringSigterm(guard, next);
  const stopAt = monotonicNow();
  guard.handle({ type: 'stop', timeoutMs: 300 });
  const exit = await next('exited');
  assert.equal(exit.requested, true);
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(monotonicNow() - stopAt >= 290);
  guard.handle({ type: 'stop', timeoutMs: 300 });
  await next('stopped');
});

test('a requested stop waits the whole stop timeout, even past 5 s (execa used to SIGKILL after 5 s)', async () => {
  const { guard, next } = guardWithInbox();
  await startNeardIgnoringSigterm(guard, next);
  const stopAt = monotonicNow();
  guard.handle({ type: 'stop', timeoutMs: 6_000 });
  const exit = await next('exited', 10_000);
  const stoppedAfter = monotonicNow() - stopAt;
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(stoppedAfter >= 5_990, `SIGKILL only at the stop timeout (${stoppedAfter} ms)`);
});

test('an exit code and a neard that cannot be executed are reported as such', async () => {
  const { guard, next } = guardWithInbox();
  guard.handle({ type: 'start', mode: 'voter', bin: 'sh', args: ['-c', 'exit 3'] });
  const exit = await next('exited');
  assert.equal(exit.code, 3);
  assert.equal(exit.signal, null);
  assert.equal(exit.requested, false);
  guard.handle({ type: 'start', mode: 'voter', bin: '/nonexistent/neard', args: [] });
  assert.match((await next('spawn-failed')).error, /\/nonexistent\/neard/);
  await next('exited');
});

test('when the daemon is gone: neard is stopped first, then the session is destroyed', async () => {
  const { events, consul, guard, next } = await guardBesideConsul();
  try {
    guard.handle({ type: 'lease', killAt: monotonicNow() + 10_000, sessionId: 'abc' });
    guard.handle(helloFor(consul.url));
    guard.handle({ type: 'session', sessionId: 'abc' });
    guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
    await next('started');
    const orphaned = guard.orphaned();
    const exit = await next('exited');
    await orphaned;
    assert.equal(exit.signal, 'SIGTERM');
    assert.deepEqual(events, ['neard exited', 'PUT /v1/session/destroy/abc']);
  } finally {
    consul.close();
  }
});

test('a validating neard fenced on a lapsed lease: dead first, then its session destroyed and reported; its leases never count again', async () => {
  const { events, consul, guard, next } = await guardBesideConsul();
  try {
    startOnSession(guard, consul.url, 'validator', 300);
    await next('started');
    const exit = await next('exited');
    assert.equal(exit.fenced, true);
    assert.deepEqual(await next('session-destroyed'), { type: 'session-destroyed', sessionId: 's1' });
    assert.deepEqual(events, ['neard exited', 'PUT /v1/session/destroy/s1']);

    // A renewal of s1 answered before the destroy and delivered after it: ignored, no validator on it.
    guard.handle({ type: 'lease', killAt: monotonicNow() + 10_000, sessionId: 's1' });
    guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
    assert.match((await next('refused')).reason, /no valid lease/);
    // Nor a hot-swap promotion on it.
    guard.handle({ type: 'start', mode: 'voter', bin: 'sleep', args: ['30'] });
    await next('started');
    guard.handle({ type: 'promote' });
    assert.match((await next('refused')).reason, /no valid lease/);
    guard.handle({ type: 'stop', timeoutMs: 1_000 });
    await next('exited');

    // The daemon registered anew: the new session's lease counts.
    guard.handle({ type: 'session', sessionId: 's2' });
    guard.handle({ type: 'lease', killAt: monotonicNow() + 10_000, sessionId: 's2' });
    guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
    await next('started');
    guard.handle({ type: 'stop', timeoutMs: 1_000 });
    await next('exited');
    assert.deepEqual(events, ['neard exited', 'PUT /v1/session/destroy/s1'], 'nothing else was destroyed');
  } finally {
    consul.close();
  }
});

test('a lease of no session is ignored: no validator on it', async () => {
  const { guard, next } = guardWithInbox();
  guard.handle({ type: 'lease', killAt: monotonicNow() + 10_000, sessionId: null });
  guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
  assert.match((await next('refused')).reason, /no valid lease/);
});

test('a voter on a lapsed lease destroys nothing', async () => {
  const events: string[] = [];
  const consul = await recordingConsul(events);
  const { guard, next } = guardWithInbox();
  try {
    startOnSession(guard, consul.url, 'voter', 100);
    await next('started');
    // Wait well past the lease for a fence that must not come: the voter keeps running, Consul hears nothing.
    const lapsedAt = monotonicNow() + 400;
    await until('the lease to be long past', () => monotonicNow() >= lapsedAt);
    guard.handle({ type: 'stop', timeoutMs: 1_000 });
    const exit = await next('exited');
    assert.equal(exit.requested, true);
    assert.equal(exit.fenced, false);
    assert.deepEqual(events, []);
  } finally {
    consul.close();
  }
});
