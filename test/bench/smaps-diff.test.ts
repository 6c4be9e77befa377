// smaps-diff's grouping, on this process's own /proc/self/smaps and on hand-written mappings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mappingKind, residentByKind } from './smaps-diff.js';

test('mappings are grouped by kind; the totals add up to the RSS smaps reports', () => {
  assert.equal(mappingKind(256, ''), 'V8 heap pages (256 kB anonymous)');
  assert.equal(mappingKind(1024, ''), 'other anonymous (JIT code, arenas, buffers)');
  assert.equal(mappingKind(132, '[heap]'), 'malloc main heap ([heap])');
  assert.equal(mappingKind(90_000, '/usr/bin/node'), 'node binary');
  assert.equal(mappingKind(2_000, '/usr/lib/x86_64-linux-gnu/libc.so.6'), 'other files (libraries)');
  const smaps = readFileSync('/proc/self/smaps', 'utf8');
  const byKind = residentByKind(smaps);
  const rss = [...smaps.matchAll(/^Rss:\s+(\d+) kB$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal([...byKind.values()].reduce((a, b) => a + b, 0), rss);
  assert.ok((byKind.get('node binary') ?? 0) > 0, 'node runs from a binary named node');
});
