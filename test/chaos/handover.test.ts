// Which ended handover records tell the operator the truth about who validates (docs/chaos.md, finding 5).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HandoverRecord } from '../../services/pool/handover-record.js';
import { recordAgrees } from './handover.js';

const record = (phase: HandoverRecord['phase'], message: string | null): HandoverRecord => ({
  id: 'h1', from: 'node-a', to: 'node-b', mode: 'now', minimumLength: 10, window: null,
  requestedAt: 0, requestedBy: 'test', phase, deadlineAt: null, message,
});

test('done names the candidate, "takes the role back" the old leader, another failure the node it names', () => {
  assert.equal(recordAgrees(record('done', 'node-b validates'), 'node-b'), true);
  assert.equal(recordAgrees(record('done', 'node-b validates'), 'node-a'), false);
  const back = record('failed', 'node-b did not validate within 8s; node-a takes the role back');
  assert.equal(recordAgrees(back, 'node-a'), true);
  assert.equal(recordAgrees(back, 'node-b'), false);
  const bystander = record('failed', 'leader changed: node-c took the role outside the handover');
  assert.equal(recordAgrees(bystander, 'node-c'), true);
  assert.equal(recordAgrees(bystander, 'node-b'), false);
});
