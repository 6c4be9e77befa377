/**
 * --inspect end to end on this machine: the package's relay on a free port, the failover actor streaming
 * through startInspector, and a WebSocket receiver (what the inspector page gets) seeing its events.
 * Without --inspect: test/unit/inspector.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { createActor } from 'xstate';
import { failoverMachine } from '../../machines/failover.js';
import { combineInspect, startInspector } from '../../src/inspector.js';
import { freePorts } from '../support/ports.js';
import { rawText } from '../support/ws-text.js';
import { until } from '../support/until.js';

const silent = pino({ level: 'silent' });

test('--inspect streams the failover actor to a relay', async () => {
  const [port] = await freePorts(1);
  const relay = createInspectorServer({ port: port!, autoOpen: false });
  const url = `ws://127.0.0.1:${port}`;
  const inspector = (await startInspector(url, silent))!;
  let observed = 0;
  let receiver: WebSocket | undefined;
  const actor = createActor(failoverMachine, { input: {}, inspect: combineInspect(() => observed++, inspector.inspect) });
  try {
    actor.start();
    // Startup is left on an answer of the neard reported started (an earlier one may be the old process).
    actor.send({ type: 'NEARD_STARTED', pid: 7, mode: 'voter', restart: false });
    actor.send({ type: 'STATUS_OK', syncing: true, height: 7, validatorAccountId: null });
    const received: StatelyInspectionEvent[] = [];
    // What the inspector page does: connect to the relay and read the events (buffered ones first).
    receiver = new WebSocket(url);
    receiver.on('message', (data) => received.push(JSON.parse(rawText(data)) as StatelyInspectionEvent));
    await until('the relay to deliver the Syncing snapshot', () => received.some((e) => e.type === '@xstate.snapshot' && JSON.stringify(e).includes('Syncing')), {
      timeoutMs: 10_000,
      detail: () => `got ${received.map((e) => e.type).join(', ')}`,
    });
    assert.ok(received.some((e) => e.type === '@xstate.actor'), 'actor registration events are streamed too');
    assert.ok(observed > 0, 'the other inspect callbacks still run');
  } finally {
    actor.stop();
    receiver?.terminate();
    inspector.stop();
    relay.stop();
  }
});
