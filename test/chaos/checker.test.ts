// The overlap checker on hand-made intervals: it must catch an overlap of a few ms and not flag a handover.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findOverlaps, stats, type ValidatingInterval } from './checker.js';

const iv = (pid: number, start: number, end: number | null): ValidatingInterval => ({ pid, start, end, endKind: end === null ? 'open' : 'stop' });

test('a clean handover (old ends before new starts) is no overlap', () => {
  assert.deepEqual(findOverlaps([iv(1, 0, 1000), iv(2, 1000.5, 5000), iv(3, 5001, null)], 9000), []);
});

test('an overlap of 20 ms between two pids is found, with its length and start', () => {
  const [overlap, ...rest] = findOverlaps([iv(1, 0, 1020), iv(2, 1000, 3000)], 9000);
  assert.equal(rest.length, 0);
  assert.equal(overlap?.ms, 20);
  assert.equal(overlap?.at, 1000);
});

test('an interval still open overlaps anything that starts later; the same pid never overlaps itself', () => {
  assert.equal(findOverlaps([iv(1, 0, null), iv(2, 500, 600)], 9000).length, 1);
  assert.equal(findOverlaps([iv(1, 0, 100), iv(1, 50, 200)], 9000).length, 0);
  // A long interval overlapping a later one, past a short one in between.
  assert.equal(findOverlaps([iv(1, 0, 5000), iv(2, 10, 20), iv(3, 4000, 6000)], 9000).length, 2);
});

test('stats: nearest-rank median and p95', () => {
  assert.deepEqual(stats([]), { n: 0, min: null, median: null, p95: null, max: null });
  const s = stats(Array.from({ length: 20 }, (_, i) => 20 - i));
  assert.deepEqual(s, { n: 20, min: 1, median: 10, p95: 19, max: 20 });
});
