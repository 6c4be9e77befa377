/** Unit tests of the soak's pure helpers: leak judgment over samples, and the /metrics parser. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventLoopDelayFrom, metricValue, selfReportFrom } from './daemon-metrics.js';
import { growth, type Sample } from './series.js';

const minute = 60_000;
const series = (values: number[]): Sample[] => values.map((value, i) => ({ t: i * minute, value }));

test('a flat series with noise and one peak is flat', () => {
  const g = growth(series([70, 72, 71, 90, 70, 71, 72, 70, 71, 72, 71, 70]), 0);
  assert.equal(g.verdict, 'flat');
  assert.equal(g.n, 12);
  assert.ok(Math.abs(g.changePct!) < 3, String(g.changePct));
});

test('a steadily growing series grows, with its slope per hour', () => {
  const g = growth(series(Array.from({ length: 12 }, (_, i) => 70 + 2 * i)), 0);
  assert.equal(g.verdict, 'grows');
  assert.ok(Math.abs(g.slopePerHour! - 120) < 1e-6, String(g.slopePerHour));
});

test('growth within the absolute slack is flat, beyond it grows', () => {
  const fds = series([23, 23, 24, 26, 26, 26]);
  assert.equal(growth(fds, 0).verdict, 'grows');
  assert.equal(growth(fds, 0, 4).verdict, 'flat');
  assert.equal(growth(series([23, 23, 30, 30, 40, 40]), 0, 4).verdict, 'grows');
});

test('samples during the warm-up are ignored; too few after it say so', () => {
  const values = [10, 20, 40, 70, 70, 70, 70, 70, 70];
  assert.equal(growth(series(values), 3 * minute).verdict, 'flat');
  assert.equal(growth(series(values), 5 * minute).verdict, 'too few samples');
});

test('metricValue reads unlabelled samples; eventLoopDelayFrom converts to ms', () => {
  const text = [
    '# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.',
    '# TYPE nodejs_eventloop_lag_p99_seconds gauge',
    'nodejs_eventloop_lag_p99_seconds 0.012',
    'nodejs_eventloop_lag_max_seconds 0.0305',
    'nodejs_eventloop_lag_p90_seconds 0.01',
  ].join('\n');
  assert.equal(metricValue(text, 'nodejs_eventloop_lag_p90_seconds'), 0.01);
  assert.equal(metricValue(text, 'nodejs_eventloop_lag_seconds'), null);
  assert.deepEqual(eventLoopDelayFrom(text), { p99Ms: 12, maxMs: 30.5 });
});

test('selfReportFrom reads the heap in MB; a live heap of 0 (no full collection yet) is unknown', () => {
  const text = ['kuutamod_heap_after_full_gc_bytes 15728640', 'nodejs_heap_size_total_bytes 31457280'].join('\n');
  assert.deepEqual(selfReportFrom(text), { eventLoop: null, heapAfterFullGcMb: 15, heapCommittedMb: 30 });
  assert.equal(selfReportFrom('kuutamod_heap_after_full_gc_bytes 0').heapAfterFullGcMb, null);
});
