/**
 * The switchover bench's window check (test/bench/switchover-windows.ts): a switchover stays in the daemon's
 * window only if the window is duty-free, the old neard stopped at a height in it and the new one could
 * produce before its end; and the schedule's windows round an epoch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dutyLayoutOf } from './switchover-chance.js';
import { dutyHeights, windowLengths, windowProblems } from './switchover-windows.js';

// Due at heights 0-17 and 30-47 of every 60 (the bench's default pattern, epoch starting at height 1).
const layout = dutyLayoutOf(`${'X'.repeat(18)}12`, 60, 500);
const isDue = (h: number) => layout.offsets.includes((h - 1) % 60);
const window = { start: 19, end: 31 }; // heights 19..30: offsets 18..29, the first window

describe('window check', () => {
  test('stopped and producing inside a duty-free window: no problem', () => {
    assert.deepEqual(dutyHeights(isDue, 19, 31), []);
    assert.deepEqual(windowProblems({ window, stopHeight: 19, producingHeight: 30 }, isDue), []);
  });

  test('the old neard stopped before the window, or after it', () => {
    assert.deepEqual(windowProblems({ window, stopHeight: 18, producingHeight: 20 }, isDue), ['the old neard stopped at height 18, outside window [19, 31)']);
    assert.deepEqual(windowProblems({ window, stopHeight: 31, producingHeight: 30 }, isDue), ['the old neard stopped at height 31, outside window [19, 31)']);
  });

  test('the new neard able to produce only at the window\'s end height: its first duty (31) was missed', () => {
    assert.deepEqual(windowProblems({ window, stopHeight: 20, producingHeight: 31 }, isDue), ['the new neard produced from height 31, outside window [19, 31)']);
  });

  test('a window holding duties, no window, no stop, no producing: each named', () => {
    assert.deepEqual(windowProblems({ window: { start: 17, end: 32 }, stopHeight: 20, producingHeight: 21 }, isDue), ['window [17, 32) holds duties at heights 17, 18, 31']);
    assert.deepEqual(windowProblems({ window: null, stopHeight: 20, producingHeight: 21 }, isDue), ['the handover record names no window']);
    assert.deepEqual(windowProblems({ window, stopHeight: null, producingHeight: null }, isDue), ['the old neard never stopped validating', 'the new neard never produced (no start, or not synced)']);
  });
});

test('windows round an epoch: the default has two of 12; one across the epoch\'s end counts once', () => {
  assert.deepEqual(windowLengths(layout), [12, 12]);
  assert.deepEqual(windowLengths(dutyLayoutOf('5X4', 10, 100)), [9]);
  assert.deepEqual(windowLengths(dutyLayoutOf('X', 10, 100)), []);
  assert.deepEqual(windowLengths({ offsets: [], epochLength: 10, blockMs: 100 }), [10]);
});
