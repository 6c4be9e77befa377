/** The head rate (src/head-rate.ts) a member publishes so others can project its head to their moment. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HeadRate } from '../../src/head-rate.js';

describe('head rate', () => {
  test('blocks per second over the last minute; unknown below 5 s of answers; a lower head starts over', () => {
    let now = 0;
    const rate = new HeadRate(() => now);
    for (let height = 100; height <= 104; height++, now += 1_000) rate.record(height);
    assert.equal(rate.blocksPerSecond, null, '4 s of answers');
    rate.record(105);
    assert.equal(rate.blocksPerSecond, 1);
    for (now += 1_000; now <= 120_000; now += 1_000) rate.record(105 + Math.floor(now / 500) - 10);
    assert.equal(rate.blocksPerSecond, 2, 'only the last minute counts');
    rate.record(3);
    assert.equal(rate.blocksPerSecond, null, 'another neard with older data');
  });
});
