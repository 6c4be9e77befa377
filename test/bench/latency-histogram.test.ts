// The load generator's latency histogram (latency-histogram.ts) and request log (request-log.ts) against
// an exact oracle: the nearest-rank percentiles of the chaos checker's stats() over the same values. A
// bucketed percentile is never below the exact one and at most one bucket (2 %) above it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stats } from '../chaos/checker.js';
import { bucketOf, LatencyHistogram, upperBoundOf } from './latency-histogram.js';
import { seededRandom } from './random.js';
import { mergeRequestLogs, overallLatency, RequestLog } from './request-log.js';

/** Latencies shaped like Consul's: mostly a few ms, a long tail to a few hundred. */
function latencies(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => (random() < 0.9 ? 0.5 + random() * 5 : 5 + random() ** 3 * 400));
}

const exactPercentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

test('every value lands in the bucket whose bounds hold it', () => {
  for (const ms of [0, 0.001, 0.01, 0.0101, 0.5, 1, 2.5, 99.9, 100, 4_321, 300_000]) {
    const bucket = bucketOf(ms);
    assert.ok(ms <= upperBoundOf(bucket) * (1 + 1e-12), `${ms} above its bucket's bound ${upperBoundOf(bucket)}`);
    if (bucket > 0) assert.ok(ms > upperBoundOf(bucket - 1), `${ms} belongs below bucket ${bucket}`);
  }
});

test('percentiles are within one bucket (2 %) above the exact nearest-rank ones, never below', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const values = latencies(5_000 + seed * 37, seed);
    const histogram = new LatencyHistogram();
    for (const v of values) histogram.record(v);
    for (const p of [1, 50, 90, 99, 99.9, 100]) {
      const exact = exactPercentile(values, p);
      const got = histogram.percentile(p)!;
      assert.ok(got >= exact && got <= exact * 1.02 + 1e-9, `seed ${seed} p${p}: ${got} vs exact ${exact}`);
    }
    // The checker's median is the same nearest-rank rule.
    const median = stats(values).median!;
    assert.ok(histogram.percentile(50)! >= median && histogram.percentile(50)! <= median * 1.02 + 1e-9);
    assert.equal(histogram.max, Math.max(...values));
    assert.equal(histogram.count, values.length);
  }
});

test('an empty histogram has no percentile; one value is every percentile', () => {
  assert.equal(new LatencyHistogram().percentile(50), null);
  const one = new LatencyHistogram();
  one.record(3.3);
  assert.equal(one.percentile(1), 3.3);
  assert.equal(one.percentile(99), 3.3);
});

test('merging serialized histograms equals recording everything in one', () => {
  const values = latencies(3_000, 9);
  const whole = new LatencyHistogram();
  const parts = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  values.forEach((v, i) => {
    whole.record(v);
    parts[i % 3]!.record(v);
  });
  const merged = new LatencyHistogram();
  // Through JSON, as worker samples travel over IPC.
  for (const part of parts) merged.merge(JSON.parse(JSON.stringify(part.toJSON())) as ReturnType<LatencyHistogram['toJSON']>);
  assert.deepEqual(merged.toJSON(), whole.toJSON());
  assert.throws(() => merged.merge({ counts: { x: 1 }, maxMs: 0 }), /not a histogram bucket/);
});

test('the request log counts by kind, keeps failures apart and blocking queries out of the latencies', () => {
  const a = new RequestLog();
  const b = new RequestLog();
  a.record('PUT /v1/session/renew', 2, true);
  a.record('PUT /v1/session/renew', 4, true);
  a.record('PUT /v1/session/renew', 5_000, false);
  b.record('PUT /v1/session/renew', 3, true);
  b.record('GET kuutamod-leader (blocking)', 300_000, true, true);
  const merged = mergeRequestLogs([a.toJSON(), JSON.parse(JSON.stringify(b.toJSON())) as ReturnType<RequestLog['toJSON']>]);
  const renew = merged.get('PUT /v1/session/renew')!;
  assert.deepEqual([renew.ok, renew.failed, renew.blocking, renew.latency.count], [3, 1, false, 3]);
  const watch = merged.get('GET kuutamod-leader (blocking)')!;
  assert.deepEqual([watch.ok, watch.blocking, watch.latency.count], [1, true, 0]);
  const all = overallLatency(merged);
  assert.equal(all.count, 3);
  assert.equal(all.max, 4);
  a.reset();
  assert.deepEqual(a.toJSON(), {});
});

test('blocking queries held open are counted while in flight, across a reset of the window', () => {
  const log = new RequestLog();
  log.opened('GET kuutamod-leader (blocking)');
  log.opened('GET kuutamod-leader (blocking)');
  log.opened('GET kuutamod-handover (blocking)');
  log.reset();
  log.closed('GET kuutamod-handover (blocking)');
  assert.deepEqual(log.openNow(), { 'GET kuutamod-leader (blocking)': 2 });
});
