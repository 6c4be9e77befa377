// The live-heap gauge's source: after a forced full collection, watchHeapAfterFullGc reports the heap
// in use, a plausible size (more than nothing, less than the heap V8 has committed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchHeapAfterFullGc } from '../../src/heap-after-gc.js';

setFlagsFromString('--expose-gc');
const forceFullGc = runInNewContext('gc') as () => void;

test('reports the heap in use after a full collection, until stopped', async () => {
  const seen: number[] = [];
  const stop = watchHeapAfterFullGc((bytes) => seen.push(bytes));
  try {
    // gc entries are delivered a little after the collection: wait for one, forcing another each round.
    for (let round = 0; seen.length === 0 && round < 200; round++) {
      forceFullGc();
      await sleep(20);
    }
    assert.ok(seen.length > 0, 'a full collection was reported');
    assert.ok(seen[0]! > 1_000_000, `live heap ${seen[0]} bytes is more than 1 MB (a node process holds more)`);
    assert.ok(seen[0]! <= getHeapStatistics().total_heap_size * 2, 'live heap within what V8 committed');
  } finally {
    stop();
  }
  const count = seen.length;
  forceFullGc();
  await sleep(50);
  assert.equal(seen.length, count, 'nothing reported once stopped');
});
