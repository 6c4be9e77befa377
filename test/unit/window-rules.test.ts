/**
 * The one window rule (machines/window-rules.ts) for restart and switchover: the margin above the head,
 * the first window long enough, a restart settling for the longest and a switchover refusing with the
 * longest few named, and properties of any choice against the windows it was made from.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { chooseWindow, switchoverWindowRefusal, WINDOW_MARGIN_BLOCKS, type MaintenanceWindow } from '../../machines/window-rules.js';
import { fuzzRuns } from '../support/fuzz-runs.js';

const windows = [
  { start: 100, end: 105 },
  { start: 110, end: 140 },
  { start: 150, end: 200 },
];

describe('chooseWindow', () => {
  test('the first window of at least the minimum length from the head plus the margin, clipped to it, for both policies', () => {
    for (const short of ['longest', 'refuse'] as const) {
      assert.deepEqual(chooseWindow(windows, 90, 20, short), { start: 110, end: 140 });
      assert.deepEqual(chooseWindow(windows, 120, 20, short), { start: 150, end: 200 }, '[123, 140) is too short');
      assert.deepEqual(chooseWindow(windows, 112, 20, short), { start: 112 + WINDOW_MARGIN_BLOCKS, end: 140 });
      assert.deepEqual(chooseWindow([...windows].reverse(), 90, 20, short), { start: 110, end: 140 }, 'in height order, whatever the input order');
    }
  });

  test('the margin is 3 blocks: a window starting sooner is clipped, one ending by then is gone', () => {
    assert.equal(WINDOW_MARGIN_BLOCKS, 3);
    assert.deepEqual(chooseWindow([{ start: 100, end: 110 }], 100, 1, 'refuse'), { start: 103, end: 110 });
    assert.equal(chooseWindow([{ start: 100, end: 103 }], 100, 1, 'longest'), null);
    assert.deepEqual(chooseWindow([{ start: 100, end: 104 }], 100, 1, 'longest'), { start: 103, end: 104 });
  });

  test('a minimum of 0: the first window left (a restart without MINIMUM_LENGTH)', () => {
    assert.deepEqual(chooseWindow(windows, 0, 0, 'longest'), { start: 100, end: 105 });
  });

  test('none long enough: a restart settles for the longest (the earliest of equals), a switchover takes none', () => {
    assert.deepEqual(chooseWindow(windows, 90, 100, 'longest'), { start: 150, end: 200 });
    assert.deepEqual(chooseWindow([{ start: 10, end: 20 }, { start: 30, end: 40 }], 0, 50, 'longest'), { start: 10, end: 20 });
    assert.equal(chooseWindow(windows, 90, 100, 'refuse'), null);
    // Clipping counts: [110, 140) from head 120 is [123, 140), 17 blocks, shorter than [150, 160).
    assert.deepEqual(chooseWindow([{ start: 110, end: 140 }, { start: 150, end: 168 }], 120, 20, 'longest'), { start: 150, end: 168 });
  });

  test('no window left in the epoch: none, for both', () => {
    assert.equal(chooseWindow([], 90, 1, 'longest'), null);
    assert.equal(chooseWindow(windows, 200, 1, 'longest'), null);
    assert.equal(chooseWindow(windows, 200, 1, 'refuse'), null);
  });
});

describe('switchoverWindowRefusal', () => {
  test('lists what there is and what to do', () => {
    assert.equal(
      switchoverWindowRefusal([{ start: 100, end: 105 }], 90, 20),
      'no maintenance window of at least 20 blocks starts after height 93 before the epoch ends (windows from head 90: [100, 105) 5 blocks). Give a smaller --minimum-length, try again in the next epoch, or use --now.',
    );
    assert.match(switchoverWindowRefusal([], 90, 20), /\(windows from head 90: none\)/);
  });

  test('names only the longest three windows of many (a mainnet epoch has thousands)', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ start: 100 + 10 * i, end: 100 + 10 * i + (i === 500 ? 9 : i === 7 ? 8 : i === 900 ? 7 : 2) }));
    assert.equal(chooseWindow(many, 90, 20, 'refuse'), null);
    assert.match(switchoverWindowRefusal(many, 90, 20), /\(windows from head 90: 1000, the longest: \[5100, 5109\) 9 blocks, \[170, 178\) 8 blocks, \[9100, 9107\) 7 blocks\)\./);
  });
});

describe('properties', () => {
  const arbitraryWindows = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 })).map(([start, length]) => ({ start, end: start + length })),
    { maxLength: 8 },
  );
  const length = (w: MaintenanceWindow) => w.end - w.start;
  /** What is left of a window from height `from` on (0 when nothing). */
  const leftFrom = (w: MaintenanceWindow, from: number) => Math.max(0, w.end - Math.max(w.start, from));

  test('a chosen window lies inside a given one, starts at head + margin or later, and is long enough unless a restart settled', () => {
    fc.assert(
      fc.property(arbitraryWindows, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom('longest' as const, 'refuse' as const), (given, head, minimum, short) => {
        const chosen = chooseWindow(given, head, minimum, short);
        const from = head + WINDOW_MARGIN_BLOCKS;
        const longEnoughExists = given.some((w) => leftFrom(w, from) >= Math.max(1, minimum));
        const anyLeft = given.some((w) => leftFrom(w, from) > 0);
        if (chosen === null) return short === 'refuse' ? !longEnoughExists : !anyLeft;
        const inside = given.some((w) => w.start <= chosen.start && chosen.end <= w.end);
        const earliestLong = !given.some((w) => leftFrom(w, from) >= Math.max(1, minimum) && Math.max(w.start, from) < chosen.start);
        const settled = length(chosen) < minimum;
        return (
          inside &&
          chosen.start >= from &&
          length(chosen) > 0 &&
          (settled ? short === 'longest' && !longEnoughExists && given.every((w) => leftFrom(w, from) <= length(chosen)) : earliestLong)
        );
      }),
      fuzzRuns(500),
    );
  });
});
