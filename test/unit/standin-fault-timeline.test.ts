/**
 * The neard stand-in's fault file read as time lines (localnet/neard/fault-records.ts, fault-timeline.ts)
 * and chain time under stalls (stall-clock.ts): parsing that survives a half-written line, which fault a
 * home had when, and a stall that shifts later blocks instead of skipping heights.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseFaultRecords, type FaultRecord } from '../../localnet/neard/fault-records.js';
import { FaultTimeline, type Interval } from '../../localnet/neard/fault-timeline.js';
import { chainElapsedMs, wallMsAtElapsed } from '../../localnet/neard/stall-clock.js';
import { fuzzRuns } from '../support/fuzz-runs.js';

const lines = (...records: unknown[]): string => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

describe('parseFaultRecords', () => {
  test('home and chain records in time order; partial, unknown and malformed lines skipped', () => {
    const text = lines(
      { t_ms: 30, chain: 'run' },
      { t_ms: 10, home: '/h/a', fault: 'isolated' },
      '{"t_ms": 40, "home": "/h/a", "fau', // being appended right now
      { t_ms: 20, chain: 'stall' },
      { t_ms: 25, home: '/h/b', fault: 'sleepy' },
      { t_ms: 'soon', home: '/h/b', fault: 'mute' },
      { t_ms: 26, home: '', fault: 'mute' },
      { t_ms: 27, chain: 'pause' },
      'null',
      '',
    );
    assert.deepEqual(parseFaultRecords(text), [
      { t_ms: 10, home: '/h/a', fault: 'isolated' },
      { t_ms: 20, chain: 'stall' },
      { t_ms: 30, chain: 'run' },
    ] satisfies FaultRecord[]);
  });
});

describe('FaultTimeline', () => {
  const timeline = new FaultTimeline(parseFaultRecords(lines(
    { t_ms: 100, home: '/a', fault: 'isolated' },
    { t_ms: 150, home: '/b', fault: 'mute' },
    { t_ms: 200, home: '/a', fault: 'none' },
    { t_ms: 300, home: '/a', fault: 'isolated' },
    { t_ms: 400, chain: 'stall' },
    { t_ms: 450, chain: 'stall' }, // already stalled: no second stall
    { t_ms: 500, chain: 'run' },
    { t_ms: 600, chain: 'stall' },
  )));

  test('a record takes effect just after its time: a block at exactly t_ms was made before the change', () => {
    assert.equal(timeline.faultAt('/a', 100), 'none');
    assert.equal(timeline.faultAt('/a', 100.001), 'isolated');
    assert.equal(timeline.faultAt('/a', 200), 'isolated');
    assert.equal(timeline.faultAt('/a', 250), 'none');
    assert.equal(timeline.faultAt('/a', 1e9), 'isolated');
    assert.equal(timeline.faultAt('/b', 1e9), 'mute');
    assert.equal(timeline.faultAt('/nobody', 1e9), 'none');
  });

  test("a home's periods of one fault, the last one open", () => {
    assert.deepEqual(timeline.periods('/a', 'isolated'), [{ startMs: 100, endMs: 200 }, { startMs: 300, endMs: null }] satisfies Interval[]);
    assert.deepEqual(timeline.periods('/a', 'mute'), []);
  });

  test('stalls from a stall record to the next run record; a repeated stall changes nothing', () => {
    assert.deepEqual(timeline.stalls(), [{ startMs: 400, endMs: 500 }, { startMs: 600, endMs: null }] satisfies Interval[]);
    assert.equal(timeline.stalledAt(400), false);
    assert.equal(timeline.stalledAt(450), true);
    assert.equal(timeline.stalledAt(550), false);
    assert.deepEqual(timeline.active(350), { homes: [{ home: '/a', fault: 'isolated' }, { home: '/b', fault: 'mute' }], stalled: false });
    assert.deepEqual(timeline.active(700).stalled, true);
  });
});

describe('stall clock', () => {
  const stalls: Interval[] = [{ startMs: 1_000, endMs: 1_500 }, { startMs: 3_000, endMs: 4_000 }];

  test('chain time stands still in a stall and runs on after it', () => {
    assert.equal(chainElapsedMs(900, 0, stalls), 900);
    assert.equal(chainElapsedMs(1_200, 0, stalls), 1_000);
    assert.equal(chainElapsedMs(1_500, 0, stalls), 1_000);
    assert.equal(chainElapsedMs(2_000, 0, stalls), 1_500);
    assert.equal(chainElapsedMs(5_000, 0, stalls), 3_500);
    assert.equal(chainElapsedMs(5_000, 0, [{ startMs: 4_000, endMs: null }]), 4_000, 'an open stall lasts until now');
    assert.equal(chainElapsedMs(5_000, 2_000, [{ startMs: 1_000, endMs: 2_500 }]), 2_500, 'only the part after genesis counts');
  });

  test('a block falls at the stall start or after the stall: shifted by the stall, never inside it', () => {
    assert.equal(wallMsAtElapsed(1_000, 0, stalls), 1_000, 'the last block before the stall');
    assert.equal(wallMsAtElapsed(1_100, 0, stalls), 1_600);
    assert.equal(wallMsAtElapsed(3_000, 0, stalls), 4_500, 'shifted by both stalls');
    assert.equal(wallMsAtElapsed(1_100, 0, [{ startMs: 1_000, endMs: null }]), Number.POSITIVE_INFINITY, 'not made while the chain stands');
  });

  test('property: wallMsAtElapsed is the first wall time at which chainElapsedMs reaches a chain time', () => {
    const arbStalls = fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 })), { maxLength: 5 }).map((gaps) => {
      // Non-overlapping stalls in time order: a run of `gap` ms, then a stall of `length` ms.
      let t = 0;
      return gaps.map(([gap, length]): Interval => {
        const startMs = t + gap;
        t = startMs + length;
        return { startMs, endMs: t };
      });
    });
    fc.assert(
      fc.property(arbStalls, fc.integer({ min: 0, max: 3_000 }), (list, elapsed) => {
        const wall = wallMsAtElapsed(elapsed, 0, list);
        assert.equal(chainElapsedMs(wall, 0, list), elapsed);
        if (wall > 0) assert.ok(chainElapsedMs(wall - 0.5, 0, list) < elapsed, `nothing earlier reaches ${elapsed}`);
        for (const s of list) assert.ok(!(s.startMs < wall && wall < (s.endMs ?? Infinity)), `${wall} inside a stall`);
      }),
      fuzzRuns(300),
    );
  });
});
