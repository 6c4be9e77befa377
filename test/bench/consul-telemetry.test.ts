// Reading Consul 1.8's /v1/agent/metrics (consul-telemetry.ts) on an answer shaped as a real one (taken
// from consul 1.8.7 -dev after five KV writes), adding up only the intervals wholly inside a window,
// each once; and /proc/stat's busy share (machine-cpu.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoTime, parseTelemetry, summarizeTelemetry, TELEMETRY_INTERVAL_MS, type TelemetryInterval } from './consul-telemetry.js';
import { busyPercent, parseProcStat } from './machine-cpu.js';

const REAL = {
  Timestamp: '2026-12-08 03:06:20 +0000 UTC',
  Gauges: [
    { Name: 'consul.raft.applied_index', Value: 17, Labels: {} },
    { Name: 'consul.runtime.num_goroutines', Value: 101, Labels: {} },
    { Name: 'consul.runtime.alloc_bytes', Value: 10_485_760, Labels: {} },
    { Name: 'consul.session_ttl.active', Value: 4, Labels: {} },
  ],
  Points: [],
  Counters: [{ Name: 'consul.raft.apply', Count: 5, Rate: 0.5, Sum: 5, Min: 1, Max: 1, Mean: 1, Stddev: 0, Labels: {} }],
  Samples: [
    { Name: 'consul.raft.commitTime', Count: 5, Rate: 0.0065, Sum: 0.065, Min: 0.01, Max: 0.02, Mean: 0.013, Stddev: 0.002, Labels: {} },
    { Name: 'consul.http.PUT.v1.kv._', Count: 5, Rate: 0.2, Sum: 2, Min: 0.3, Max: 0.5, Mean: 0.4, Stddev: 0.05, Labels: {} },
  ],
};

test("a real answer of /v1/agent/metrics: raft applies, commits with their mean time, the leader's gauges", () => {
  const { commitMeanMs, ...interval } = parseTelemetry(REAL);
  // go-metrics times are in ms; the mean is recomputed from count x mean, so compare it with a tolerance.
  assert.ok(Math.abs(commitMeanMs! - 0.013) < 1e-12, String(commitMeanMs));
  assert.deepEqual(interval, {
    startMs: Date.UTC(2026, 11, 8, 3, 6, 20),
    raftApply: 5,
    commits: 5,
    goroutines: 101,
    allocBytes: 10_485_760,
    sessions: 4,
  });
  // An idle interval has no counters at all: zero, not an error; gauges it lacks are unknown.
  const idle = parseTelemetry({ ...REAL, Gauges: [], Counters: [], Samples: [] });
  assert.deepEqual([idle.raftApply, idle.commits, idle.commitMeanMs, idle.goroutines], [0, 0, null, null]);
});

test('answers that are not Consul metrics fail, naming the endpoint', () => {
  assert.throws(() => parseTelemetry({}), /\/v1\/agent\/metrics: the answer has no Timestamp/);
  assert.throws(() => parseTelemetry({ ...REAL, Counters: undefined }), /no Counters list/);
  assert.throws(() => parseGoTime('yesterday'), /not a time Consul writes/);
  assert.equal(parseGoTime('2026-12-08 03:06:20.5 +0100 CET'), Date.UTC(2026, 11, 8, 2, 6, 20, 500));
});

const at = (startMs: number, raftApply: number, commits = raftApply, commitMeanMs: number | null = 2): TelemetryInterval => ({
  startMs, raftApply, commits, commitMeanMs, goroutines: 100 + raftApply, allocBytes: raftApply * 1_048_576, sessions: 3,
});

test('only intervals wholly inside the window count, each once, and rates are over their length', () => {
  const t0 = 1_000_000;
  const intervals = [
    at(t0 - TELEMETRY_INTERVAL_MS, 999), // began before the window
    at(t0, 100, 100, 2),
    at(t0, 100, 100, 2), // the same interval polled twice
    at(t0 + TELEMETRY_INTERVAL_MS, 300, 100, 6),
    at(t0 + 2 * TELEMETRY_INTERVAL_MS, 999), // ends after the window
  ];
  const summary = summarizeTelemetry(intervals, t0, t0 + 2.5 * TELEMETRY_INTERVAL_MS);
  assert.equal(summary.intervals, 2);
  assert.equal(summary.raftApplyPerS, 400 / 20);
  assert.equal(summary.commitsPerS, 200 / 20);
  assert.equal(summary.commitMeanMs, 4, 'weighted by commits');
  assert.equal(summary.goroutinesMax, 400);
  assert.equal(summary.allocMbMax, 300);
  const none = summarizeTelemetry(intervals, t0 + 1, t0 + 5_000);
  assert.deepEqual([none.intervals, none.raftApplyPerS, none.commitMeanMs, none.goroutinesMax], [0, null, null, null]);
});

test('/proc/stat: busy share of all cores between two readings', () => {
  const before = parseProcStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\nintr 1\n');
  const after = parseProcStat('cpu  250 0 100 900 50 0 0 0 0 0\ncpu0 1 1 1 1 1 0 0 0 0 0\n');
  assert.deepEqual(before, { idle: 850, total: 1000 });
  assert.equal(busyPercent(before, after), 200 / 3);
  assert.equal(busyPercent(before, before), null);
  assert.throws(() => parseProcStat('intr 1\n'), /no aggregate cpu line/);
});
