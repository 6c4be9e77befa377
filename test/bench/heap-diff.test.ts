// heap-diff on real snapshots of this process: objects kept between two snapshots show up as the group
// of their constructor, with their count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { diffGroups, groupSnapshot } from './heap-diff.js';

class HeapDiffCanary {
  constructor(readonly payload: number[]) {}
}

test('objects kept between two snapshots are the growing group of their constructor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heap-diff-'));
  try {
    const read = (path: string) => groupSnapshot(JSON.parse(readFileSync(path, 'utf8')) as Parameters<typeof groupSnapshot>[0]);
    const before = read(writeHeapSnapshot(join(dir, 'before.heapsnapshot')));
    const kept = Array.from({ length: 1000 }, (_, i) => new HeapDiffCanary([i, i + 1]));
    const after = read(writeHeapSnapshot(join(dir, 'after.heapsnapshot')));
    assert.equal(kept.length, 1000);
    const canary = diffGroups(before, after).find((change) => change.key === 'object: HeapDiffCanary');
    assert.ok(canary, 'the canary class is a group');
    assert.equal(canary.before.count, 0);
    assert.equal(canary.after.count, 1000);
    assert.ok(canary.after.bytes >= 1000 * 16, `1000 objects take at least 16 bytes each (${canary.after.bytes})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
