/** --inspect's options: without it there is no inspector, and a relay URL that is not ws:// is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { startInspector } from '../../src/inspector.js';

const silent = pino({ level: 'silent' });

test('without --inspect there is no inspector', async () => {
  assert.equal(await startInspector(undefined, silent), undefined);
  assert.equal(await startInspector(false, silent), undefined);
  await assert.rejects(startInspector('http://127.0.0.1:8080', silent), /--inspect: .* is not a ws:\/\/ or wss:\/\/ URL/);
});
