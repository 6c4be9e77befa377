/** `kuutamod --inspect URL`: the real daemon streams its actor system to a Stately inspector relay. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createInspectorServer } from '@statelyai/inspect/server';
import { WebSocket } from 'ws';
import { startConsulServer } from '../support/consul.js';
import { createNodeHome, createPoolKeys, startKuutamod } from '../support/kuutamod.js';
import { freePorts } from '../support/ports.js';
import { rawText } from '../support/ws-text.js';
import { until } from '../support/until.js';

test('the daemon streams its chart to the relay given by --inspect', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kuutamod-inspect-'));
  const [port] = await freePorts(1);
  const relay = createInspectorServer({ port: port!, autoOpen: false });
  const consul = await startConsulServer();
  const pool = createPoolKeys(dir);
  const node = await createNodeHome(dir, 'node0', pool);
  const url = `ws://127.0.0.1:${port}`;
  const daemon = await startKuutamod({ consulUrl: consul.url, nodeId: 'node0', pool, node, extraArgs: ['--inspect', url] });
  const receiver = new WebSocket(url);
  const received: string[] = [];
  receiver.on('message', (data) => received.push(rawText(data)));
  try {
    await daemon.waitForState('Validating');
    await until('a Validating snapshot to reach the relay', () => received.some((message) => message.includes('@xstate.snapshot') && message.includes('Validating')), {
      timeoutMs: 10_000,
      detail: () => `got ${received.length} messages`,
    });
    assert.ok(received.some((message) => message.includes('"election"')), 'the invoked actors are streamed too');
  } finally {
    receiver.terminate();
    await daemon.stop();
    relay.stop();
    await consul.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
