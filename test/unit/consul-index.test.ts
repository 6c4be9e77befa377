/**
 * The X-Consul-Index rule (services/consul/blocking-index.ts) case by case, as Consul's "Blocking Queries"
 * page states it: backwards resets to 0, not a number resets to 0, zero or less waits on 1.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextBlockingIndex } from '../../services/consul/blocking-index.js';

describe('X-Consul-Index rule', () => {
  test('an index that moves forward is waited on', () => {
    assert.deepEqual(nextBlockingIndex('5', '9'), { index: '9', reset: false });
    assert.deepEqual(nextBlockingIndex('0', '18446744073709551615'), { index: '18446744073709551615', reset: false });
  });

  test('the same index again (a wait that timed out) is waited on again', () => {
    assert.deepEqual(nextBlockingIndex('9', '9'), { index: '9', reset: false });
  });

  test('an index that goes backwards resets to 0', () => {
    assert.deepEqual(nextBlockingIndex('9', '3'), { index: '0', reset: true });
  });

  test('an index that is not a number resets to 0', () => {
    for (const garbage of [undefined, '', 'abc', '-1', '1.5', ' 7', '0x10', '1e3', '123456789012345678901']) {
      assert.deepEqual(nextBlockingIndex('9', garbage), { index: '0', reset: true }, `X-Consul-Index: ${garbage}`);
    }
  });

  test('an index of 0 is waited on as 1, so the next query blocks', () => {
    assert.deepEqual(nextBlockingIndex('0', '0'), { index: '1', reset: false });
  });
});
