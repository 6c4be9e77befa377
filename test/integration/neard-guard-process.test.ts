/**
 * The guard as the daemon runs it: the compiled entry point forked with an IPC channel. A malformed
 * message is logged and ignored (not acted upon), a well-formed conversation starts neard (`sleep`
 * standing in), and closing the channel makes the guard stop neard and exit.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { isFromGuard } from '../../services/neard/guard/protocol-checks.js';
import type { FromGuard, ToGuard } from '../../services/neard/guard/protocol.js';
import { actorTimings } from '../../services/service-timings.js';
import { untilValue } from '../support/until.js';

const GUARD_MAIN = fileURLToPath(new URL('../../services/neard/guard/main.js', import.meta.url));

test('the forked guard ignores a malformed message, obeys a well-formed one, and stops neard when the daemon goes', async () => {
  const guard = fork(GUARD_MAIN, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
  let stderr = '';
  guard.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const inbox: FromGuard[] = [];
  guard.on('message', (message: unknown) => {
    assert.ok(isFromGuard(message), `well-formed answer: ${JSON.stringify(message)}`);
    inbox.push(message);
  });
  const next = <T extends FromGuard['type']>(type: T): Promise<Extract<FromGuard, { type: T }>> =>
    untilValue(`a '${type}' message from the guard`, () => inbox.find((message): message is Extract<FromGuard, { type: T }> => message.type === type), {
      detail: () => `got ${JSON.stringify(inbox)}\n--- guard's stderr ---\n${stderr}`,
    });
  const exited = once(guard, 'exit');
  await next('ready');

  guard.send({ type: 'start', mode: 'leader', bin: 'sleep', args: ['30'] });
  const send = (message: ToGuard) => guard.send(message);
  send({ type: 'hello', consul: { url: 'http://127.0.0.1:1' }, timings: actorTimings({ ...DEFAULT_TIMINGS, neardStopTimeoutMs: 2_000 }) });
  send({ type: 'start', mode: 'voter', bin: 'sleep', args: ['30'] });
  const started = await next('started');
  assert.deepEqual(inbox.map((message) => message.type), ['ready', 'started'], 'the malformed start was not answered');
  assert.match(stderr, /ignored a malformed message from kuutamod: .*"mode":"leader"/);

  guard.disconnect();
  // once() resolves with the 'exit' listener's arguments: (code, signal).
  const [code] = (await exited) as [number | null, NodeJS.Signals | null];
  assert.equal(code, 0);
  assert.match(stderr, new RegExp(`daemon gone; stopping neard \\(pid ${started.pid}, voter\\)`));
  assert.throws(() => process.kill(started.pid, 0), 'neard is gone with the daemon');
});
