/** Parsing neard's maintenance windows (both serializations); which one to use is window-rules.test.ts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MaintenanceWindowsError, parseMaintenanceWindows } from '../../services/neard/maintenance-windows.js';

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
});
