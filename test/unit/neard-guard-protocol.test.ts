/**
 * The runtime checks of the guard's IPC messages: every well-formed message of each kind passes, and a
 * message with a missing or mistyped field, an unknown kind or no object at all is refused, in both
 * directions. A refused message is logged and ignored by the receiving side instead of acted upon.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { isFromGuard, isToGuard } from '../../services/neard/guard/protocol-checks.js';
import type { FromGuard, ToGuard } from '../../services/neard/guard/protocol.js';
import { actorTimings } from '../../services/service-timings.js';

const timings = actorTimings(DEFAULT_TIMINGS);

test('every kind of message to the guard passes when well formed', () => {
  const messages: ToGuard[] = [
    { type: 'hello', consul: { url: 'http://127.0.0.1:8500' }, timings },
    { type: 'hello', consul: { url: 'https://consul:8501', token: 't', caFile: '/ca.pem' }, timings },
    { type: 'hello', consul: { url: 'https://consul:8501', caFile: '/ca.pem', clientCert: '/client.pem', clientKey: '/client-key.pem' }, timings },
    { type: 'start', mode: 'validator', bin: 'neard', args: ['--home', '/h', 'run'] },
    { type: 'promote' },
    { type: 'stop', timeoutMs: 60_000 },
    { type: 'lease', killAt: 123, sessionId: 'abc' },
    { type: 'lease', killAt: 123, sessionId: null },
    { type: 'session', sessionId: 'abc' },
    { type: 'session', sessionId: null },
    { type: 'consul-token', token: 'rotated' },
    { type: 'consul-token', token: null },
  ];
  for (const message of messages) assert.equal(isToGuard(message), true, JSON.stringify(message));
});

test('a malformed message to the guard is refused', () => {
  const { sessionTtlMs: _dropped, ...timingsWithoutTtl } = timings;
  const malformed: unknown[] = [
    null,
    'start',
    [],
    { type: 'launch' },
    { type: 'hello', consul: { url: 'http://127.0.0.1:8500' }, timings: timingsWithoutTtl },
    { type: 'hello', consul: { url: 8500 }, timings },
    { type: 'hello', consul: { url: 'http://x', token: 1 }, timings },
    { type: 'start', mode: 'leader', bin: 'neard', args: [] },
    { type: 'start', mode: 'voter', bin: 'neard', args: [1] },
    { type: 'stop' },
    { type: 'lease', killAt: '123', sessionId: 'abc' },
    { type: 'lease', killAt: Number.NaN, sessionId: 'abc' },
    { type: 'lease', killAt: 123 },
    { type: 'lease', killAt: 123, sessionId: 7 },
    { type: 'session' },
    { type: 'hello', consul: { url: 'https://x', clientCert: 1 }, timings },
    { type: 'consul-token' },
    { type: 'consul-token', token: 7 },
    { type: 'toString' },
  ];
  for (const message of malformed) assert.equal(isToGuard(message), false, JSON.stringify(message));
});

test('every kind of message from the guard passes when well formed, and a malformed one is refused', () => {
  const messages: FromGuard[] = [
    { type: 'ready' },
    { type: 'started', pid: 1, mode: 'voter' },
    { type: 'spawn-failed', error: 'ENOENT' },
    { type: 'refused', reason: 'no valid lease' },
    { type: 'exited', pid: 1, mode: 'validator', code: null, signal: 'SIGKILL', requested: false, fenced: true },
    { type: 'exited', pid: 1, mode: 'voter', code: 0, signal: null, requested: true, fenced: false },
    { type: 'stopped' },
    { type: 'session-destroyed', sessionId: 'abc' },
  ];
  for (const message of messages) assert.equal(isFromGuard(message), true, JSON.stringify(message));
  const malformed: unknown[] = [
    undefined,
    { type: 'started', pid: '1', mode: 'voter' },
    { type: 'exited', pid: 1, mode: 'voter', code: 0, signal: null, requested: true },
    { type: 'refused' },
    { type: 'session-destroyed', sessionId: null },
    { type: 'session-destroyed' },
    { type: 'start', mode: 'voter', bin: 'neard', args: [] },
  ];
  for (const message of malformed) assert.equal(isFromGuard(message), false, JSON.stringify(message));
});
