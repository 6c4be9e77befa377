/** The logfmt format prints transition lines shaped like Rust kuutamod's. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toLogfmt } from '../../src/logging.js';

test('a transition record becomes a kuutamod-shaped logfmt line', () => {
  const line = toLogfmt({
    level: 30,
    time: 1,
    pid: 123,
    node_id: 'node0',
    target: 'kuutamod::supervisor',
    cause: 'LOCK_ACQUIRED',
    msg: 'state changed: Voting -> Validating',
  });
  assert.equal(
    line,
    'level=info pid=123 message="state changed: Voting -> Validating" target="kuutamod::supervisor" node_id=node0 cause=LOCK_ACQUIRED',
  );
});

test('values with spaces or quotes are quoted, objects become JSON', () => {
  const line = toLogfmt({ level: 40, pid: 1, node_id: 'a b', msg: 'x', error: 'say "hi"', detail: { a: 1 } });
  assert.equal(line, 'level=warn pid=1 message="x" target="kuutamod" node_id="a b" error="say \\"hi\\"" detail="{\\"a\\":1}"');
});
