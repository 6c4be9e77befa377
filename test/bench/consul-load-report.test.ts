// The Consul load bench's figures and report (consul-load-figures.ts, consul-load-report.ts) on synthetic
// runs: worker samples merged into rates and percentiles, each limit of this machine named when the
// figures show it and only then, and a report with one column per pool count and a line per run under it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { actorTimings } from '../../services/service-timings.js';
import { stats } from '../chaos/checker.js';
import { limitNotes, requestFigures, type LoadMeasure, type LoadResult } from './consul-load-figures.js';
import { expectedLoad } from './consul-load-plan.js';
import type { WorkerSample } from './consul-load-protocol.js';
import { renderConsulLoadReport, type LoadRunContext } from './consul-load-report.js';
import { RequestLog } from './request-log.js';

function sample(records: Array<[kind: string, ms: number, ok: boolean, blocking?: boolean]>, extra: Partial<WorkerSample> = {}): WorkerSample {
  const log = new RequestLog();
  for (const [kind, ms, ok, blocking] of records) log.record(kind, ms, ok, blocking);
  return {
    pid: 1, daemons: 4, started: 4, states: { Registering: 0, Voting: 2, Validating: 2, Stopped: 0 }, poolsWithLeader: 2, poolsWithTwoLeaders: 0,
    requests: log.toJSON(), blockingOpen: { 'GET kuutamod-leader (blocking)': 2 }, consulErrors: {}, loopDelay: { p50Ms: 1, p99Ms: 5, maxMs: 9 }, ...extra,
  };
}

test('worker samples become rates per second and latency percentiles, by kind and over all non-blocking kinds', () => {
  const renewals = Array.from({ length: 100 }, (_, i): [string, number, boolean] => ['PUT /v1/session/renew', i + 1, true]);
  const figures = requestFigures(
    [
      sample(renewals.slice(0, 50)),
      sample([...renewals.slice(50), ['PUT kuutamod-members ?acquire', 1000, false], ['GET kuutamod-leader (blocking)', 300_000, true, true], ['GET kuutamod-handover', 2, true]]),
    ],
    10,
  );
  assert.equal(figures.count, 103);
  // Steady: the renewals and the failed write; the watch cycle: the blocking query and the handover read after it.
  assert.equal(figures.perS, 10.1);
  assert.equal(figures.watchPerS, 0.2);
  assert.equal(figures.blockingSent, 1);
  assert.equal(figures.blockingOpen, 4, 'held open now, summed over the workers');
  assert.equal(figures.failed, 1);
  const renew = figures.byKind[0]!;
  assert.equal(renew.kind, 'PUT /v1/session/renew');
  assert.equal(renew.perS, 10);
  // Exact nearest-rank percentiles of 1..100 ms are 50 and 99: the histogram is within 2 % above.
  assert.ok(renew.p50Ms! >= 50 && renew.p50Ms! <= 51, String(renew.p50Ms));
  assert.ok(renew.p99Ms! >= 99 && renew.p99Ms! <= 101, String(renew.p99Ms));
  assert.equal(renew.maxMs, 100);
  // The blocking query is counted, not timed: the overall latency ends at the slowest renewal.
  assert.equal(figures.byKind.find((k) => k.blocking)?.p50Ms, null);
  assert.equal(figures.maxMs, 100);
});

const EXPECTED = expectedLoad(100, 2, actorTimings(DEFAULT_TIMINGS), 15_000);

function measure(fields: Partial<LoadMeasure> = {}): LoadMeasure {
  const proc = (name: string, cpuPct: number) => ({ name, cpuPct, rssMb: 80, peakRssMb: 90 });
  return {
    pools: 100, daemonsPerPool: 2, transport: 'servers', windowS: 120, watchWaitMs: 300_000, establishedS: 25, daemons: 200, started: 200, poolsWithLeader: 100, poolsWithTwoLeaders: 0,
    requests: {
      byKind: [{ kind: 'PUT /v1/session/renew', perS: 26.6, failed: 0, blocking: false, p50Ms: 1.7, p99Ms: 28, maxMs: 60 }],
      perS: EXPECTED.total, watchPerS: 0, blockingSent: 0, blockingOpen: 300, failed: 0, p50Ms: 2.2, p99Ms: 48, maxMs: 138, count: 6_000,
    },
    expected: EXPECTED, consulErrors: {}, commitIndexPerS: 13.6,
    telemetry: { intervals: 11, raftApplyPerS: 13.3, commitsPerS: 13.3, commitMeanMs: 6.9, goroutinesMax: 1092, allocMbMax: 17.6, sessionsMax: 404 },
    leaderChanged: false,
    servers: [{ ...proc('consul-0', 3.3), leader: false }, { ...proc('consul-1', 5.7), leader: true }, { ...proc('consul-2', 3.2), leader: false }],
    agents: [], generator: [proc('worker 1', 3), proc('worker 2', 3)], generatorLoopP99Ms: 19, generatorLoopMaxMs: 110, harness: proc('harness', 0.3),
    machineBusyPct: 60, load: [5.3, 4.5], ...fields,
  };
}

test('a run with CPU to spare has no limit notes', () => {
  assert.deepEqual(limitNotes(measure()), []);
});

test('each limit of this machine is named when its figure shows it', () => {
  const note = (fields: Partial<LoadMeasure>) => limitNotes(measure(fields)).join('\n');
  assert.match(note({ generator: [{ name: 'worker 1', cpuPct: 95, rssMb: 1, peakRssMb: 1 }] }), /generator CPU-bound: worker 1 95 %/);
  assert.match(note({ generatorLoopP99Ms: 120 }), /event loop delayed \(p99 120 ms/);
  assert.match(note({ machineBusyPct: 97 }), /machine saturated: all cores 97 % busy/);
  assert.match(note({ requests: { ...measure().requests, perS: 30 } }), /generator fell behind: 30.0 requests\/s against 50\.0 expected/);
  // 300 watches held open can each be re-issued once in a 120 s window of 300 s holds: 300 is fine, 301 a storm.
  assert.equal(note({ requests: { ...measure().requests, blockingSent: 300 } }), '');
  assert.match(note({ requests: { ...measure().requests, blockingSent: 301 } }), /blocking queries woke up early: 301 sent in the window, at most 300/);
  assert.match(note({ requests: { ...measure().requests, blockingOpen: 200 } }), /only 200 blocking queries held open at the end, of 300 expected/);
  // A window shorter than two of the 30 s periods cannot judge the rate.
  assert.equal(note({ windowS: 20, requests: { ...measure().requests, perS: 30 } }), '');
  assert.match(note({ establishedS: null, poolsWithLeader: 97 }), /not every pool elected a leader: 97 of 100/);
  assert.match(note({ started: 150 }), /only 150 of 200 simulated daemons had started/);
  assert.match(note({ poolsWithTwoLeaders: 1 }), /1 simulated pools had two leaders/);
  assert.match(note({ requests: { ...measure().requests, failed: 3 }, consulErrors: { 'session renew': 3 } }), /3 requests failed \(session renew: 3\)/);
  assert.match(note({ leaderChanged: true }), /raft leader changed/);
});

const CONTEXT: LoadRunContext = {
  command: 'npm run bench:consul-load', commit: 'abc1234', date: '2026-12-08T00:00:00.000Z', machine: '2 cores', consulVersion: 'v1.8.7',
  daemonsPerPool: 2, processes: 2, transport: "the 3 servers' HTTP APIs directly", timings: "kuutamod's defaults", rampS: 30, warmupS: 60, windowS: 120, kills: 10,
};

test('the report: one column per pool count, the headline rows, and a line per run on what limited or broke it', () => {
  const results: LoadResult[] = [
    { pools: 100, measure: measure(), handover: { kills: 10, handoverMs: stats([80, 90, 100, 120]), failed: 0 }, broke: null },
    { pools: 1000, measure: measure({ pools: 1000, machineBusyPct: 99 }), handover: null, broke: 'generator worker 123 did not answer a sample within 60 s' },
    { pools: 3000, measure: null, handover: null, broke: 'consul servers did not start' },
  ];
  const report = renderConsulLoadReport(results, CONTEXT);
  assert.match(report, /^# Consul load/);
  assert.match(report, /Commit: abc1234/);
  assert.match(report, /\| \| N = 100 pools \(200 daemons\) \| N = 1000 pools \(2000 daemons\) \| N = 3000 pools \(6000 daemons\) \|/);
  const rows = report.split('\n').filter((line) => line.startsWith('| '));
  // Every row has a cell per pool count.
  for (const row of rows) assert.equal(row.split(' | ').length, 4, row);
  for (const label of ['Consul requests/s, measured / expected', 'request latency ms, p50 / p99', 'raft commits/s', 'Consul servers CPU', 'Consul servers RSS MB', 'generator CPU', 'real pool: lock handover ms']) {
    assert.ok(rows.some((row) => row.includes(label)), `no row ${label}`);
  }
  assert.match(report, /\| \*\*real pool: lock handover ms, median \/ p95 \/ max\*\* \| \*\*90 \/ 120 \/ 120\*\* \| - \| - \|/);
  assert.match(report, /\*\*Consul servers CPU, % of one core\*\* \(sum: each, leader first\) \| \*\*12\.2 \(5\.7 \+ 3\.3 \+ 3\.2\)\*\*/);
  assert.match(report, /broke \(below\)/);
  assert.match(report, /- N = 100: nothing/);
  assert.match(report, /- N = 1000: broke: generator worker 123 did not answer.*; machine saturated/);
  assert.match(report, /- N = 3000: broke: consul servers did not start/);
  // Expected kinds not seen in the window are listed at 0.
  assert.match(report, /GET kuutamod-members \?recurse: 0\.00 \/ 6\.67/);
  assert.match(report, /\| blocking queries held open at the end, measured \/ expected \| 300 \/ 300 \|/);
});
