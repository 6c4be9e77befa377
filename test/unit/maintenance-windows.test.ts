/** Parsing neard's maintenance windows (both serializations) and picking the window to use. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MaintenanceWindowsError, parseMaintenanceWindows, pickWindow } from '../../services/neard/maintenance-windows.js';

describe('maintenance windows', () => {
  test('accepts [[s, e]] and [{start, end}] alike, sorted', () => {
    assert.deepEqual(parseMaintenanceWindows([[20, 25], [10, 12]], 'x'), [{ start: 10, end: 12 }, { start: 20, end: 25 }]);
    assert.deepEqual(parseMaintenanceWindows([{ start: 3, end: 9 }], 'x'), [{ start: 3, end: 9 }]);
    assert.deepEqual(parseMaintenanceWindows([], 'x'), []);
  });

  test('garbage is a MaintenanceWindowsError naming the source', () => {
    for (const bad of [null, 'windows', [[7]], [{ start: 'soon' }], [[5, 5]], [[9, 3]], [[-1, 3]]]) {
      assert.throws(() => parseMaintenanceWindows(bad, 'neard X'), (error: unknown) => error instanceof MaintenanceWindowsError && error.failure === 'garbage' && /neard X/.test(error.message));
    }
  });

  test('picks the first window long enough, else the longest, clipped to the head', () => {
    const windows = [{ start: 10, end: 12 }, { start: 20, end: 30 }, { start: 40, end: 60 }];
    assert.deepEqual(pickWindow(windows, 5, 0), { start: 20, end: 30 });
    assert.deepEqual(pickWindow(windows, 15, 0), { start: 40, end: 60 });
    assert.deepEqual(pickWindow(windows, 100, 0), { start: 40, end: 60 });
    assert.deepEqual(pickWindow(windows, 5, 27), { start: 40, end: 60 });
    assert.deepEqual(pickWindow(windows, 2, 27), { start: 27, end: 30 });
    assert.equal(pickWindow(windows, 1, 60), undefined);
  });
});
