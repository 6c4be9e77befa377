/**
 * The neard guard's safety rules on a real child process (`sleep` standing in for neard):
 * no validator without a lease, SIGKILL at the lease deadline, hot-swap promotion under the same
 * rules, and after the daemon's death: stop neard first, then destroy the session.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { monotonicNow } from '../../services/monotonic-clock.js';
import { NeardGuard } from '../../services/neard-guard/guard.js';
import type { FromGuard } from '../../services/neard-guard/protocol.js';
import { actorTimings } from '../../services/service-timings.js';

function guardWithInbox() {
  const inbox: FromGuard[] = [];
  const waiters: Array<() => void> = [];
  const guard = new NeardGuard(
    (message) => {
      inbox.push(message);
      for (const wake of waiters.splice(0)) wake();
    },
    () => undefined,
  );
  const next = async <T extends FromGuard['type']>(type: T, timeoutMs = 5_000): Promise<Extract<FromGuard, { type: T }>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = inbox.findIndex((message) => message.type === type);
      if (index >= 0) return inbox.splice(index, 1)[0] as Extract<FromGuard, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no '${type}' message; got ${JSON.stringify(inbox)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { guard, next };
}

test('a validator start without a lease, or with an expired one, is refused', async () => {
  const { guard, next } = guardWithInbox();
  guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
  assert.match((await next('refused')).reason, /no valid lease/);
  guard.handle({ type: 'lease', killAt: monotonicNow() - 1 });
  guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
  assert.match((await next('refused')).reason, /no valid lease/);
});

test('a validating neard is SIGKILLed at the lease deadline, and a renewed lease pushes the deadline', async () => {
  const { guard, next } = guardWithInbox();
  guard.handle({ type: 'lease', killAt: monotonicNow() + 300 });
  guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
  const started = await next('started');
  const startedAt = monotonicNow();
  guard.handle({ type: 'lease', killAt: startedAt + 600 }); // a renewal arrived
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
  guard.handle({ type: 'lease', killAt: monotonicNow() + 200 });
  // Ignoring SIGHUP (inherited through exec) stands in for neard's reload on SIGHUP.
  guard.handle({ type: 'start', mode: 'voter', bin: 'sh', args: ['-c', "trap '' HUP; exec sleep 30"] });
  const started = await next('started');
  await new Promise((resolve) => setTimeout(resolve, 400));
  guard.handle({ type: 'promote' });
  assert.match((await next('refused')).reason, /no valid lease/, 'the voter outlived the lease and may not be promoted');
  guard.handle({ type: 'lease', killAt: monotonicNow() + 300 });
  guard.handle({ type: 'promote' });
  assert.deepEqual(await next('started'), { type: 'started', pid: started.pid, mode: 'validator' });
  const exit = await next('exited');
  assert.equal(exit.fenced, true);
  assert.equal(exit.mode, 'validator');
});

test('a requested stop: SIGTERM, then SIGKILL after the timeout', async () => {
  const { guard, next } = guardWithInbox();
  // A sleep that ignores SIGTERM (inherited through exec) is a neard stuck in a long flush.
  guard.handle({ type: 'start', mode: 'voter', bin: 'sh', args: ['-c', "trap '' TERM; exec sleep 30"] });
  await next('started');
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the shell set its trap
  const stopAt = monotonicNow();
  guard.handle({ type: 'stop', timeoutMs: 300 });
  const exit = await next('exited');
  assert.equal(exit.requested, true);
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(monotonicNow() - stopAt >= 290);
  guard.handle({ type: 'stop', timeoutMs: 300 });
  await next('stopped');
});

test('when the daemon is gone: neard is stopped first, then the session is destroyed', async () => {
  const events: string[] = [];
  const consul: Server = createServer((request, response) => {
    events.push(`${request.method} ${request.url}`);
    response.end('true');
  });
  await new Promise<void>((resolve) => consul.listen(0, '127.0.0.1', resolve));
  const port = (consul.address() as { port: number }).port;
  const { guard, next } = guardWithInbox();
  try {
    guard.handle({ type: 'lease', killAt: monotonicNow() + 10_000 });
    const timings = actorTimings({ ...DEFAULT_TIMINGS, neardStopTimeoutMs: 5_000 });
    guard.handle({ type: 'hello', consul: { url: `http://127.0.0.1:${port}` }, timings });
    guard.handle({ type: 'session', sessionId: 'abc' });
    guard.handle({ type: 'start', mode: 'validator', bin: 'sleep', args: ['30'] });
    await next('started');
    const orphaned = guard.orphaned();
    const exit = await next('exited');
    events.push('neard exited');
    await orphaned;
    assert.equal(exit.signal, 'SIGTERM');
    assert.deepEqual(events, ['neard exited', 'PUT /v1/session/destroy/abc']);
  } finally {
    consul.close();
  }
});
