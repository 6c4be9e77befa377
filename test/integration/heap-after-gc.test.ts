// The live-heap gauge's source: after a forced full collection, watchHeapAfterFullGc reports the heap
// in use, a plausible size (more than nothing, less than the heap V8 has committed), and nothing once
// stopped. gc entries arrive a little after the collection, on V8's schedule: an integration test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watchHeapAfterFullGc } from '../../src/heap-after-gc.js';
import { until } from '../support/until.js';

setFlagsFromString('--expose-gc');
const forceFullGc = runInNewContext('gc') as () => void;

/** Force full collections until `reports` has an entry (each check forces one more). */
async function collectUntilReported(what: string, reports: number[]): Promise<void> {
  await until(what, () => {
    if (reports.length > 0) return true;
    forceFullGc();
    return false;
  }, 4_000);
}

test('reports the heap in use after a full collection, until stopped', async () => {
  const seen: number[] = [];
  const stop = watchHeapAfterFullGc((bytes) => seen.push(bytes));
  try {
    await collectUntilReported('a full collection reported', seen);
    assert.ok(seen[0]! > 1_000_000, `live heap ${seen[0]} bytes is more than 1 MB (a node process holds more)`);
    assert.ok(seen[0]! <= getHeapStatistics().total_heap_size * 2, 'live heap within what V8 committed');
  } finally {
    stop();
  }
  const count = seen.length;
  // A second watcher is the witness that collections after stop() were reported: the stopped one heard none.
  const witnessed: number[] = [];
  const stopWitness = watchHeapAfterFullGc((bytes) => witnessed.push(bytes));
  try {
    await collectUntilReported('a later collection reported to a second watcher', witnessed);
  } finally {
    stopWitness();
  }
  assert.equal(seen.length, count, 'nothing reported once stopped');
});
