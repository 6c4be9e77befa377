// The soak report's figures come from the run's records: fault counts add up to the trial records, the
// leak verdict is the trends' (and PASS needs it), memory is reported at the end as well as the start,
// and PASS needs the headline's missed duties per fault under the target.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary } from '../chaos/report.js';
import type { TrialResult } from '../chaos/trial.js';
import { leakWindow } from './leak-trend.js';
import { seededRandom } from './random.js';
import { faultCounts, faultCountText, leakVerdict, memoryAt } from './soak-figures.js';
import { renderSoakReport, soakExitCode, soakOutcome } from './soak-report.js';
import type { ResourceSample } from './soak-sampler.js';
import type { SegmentDuties } from './soak-duties.js';
import type { SoakSummary } from './soak-run.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface NodeShape {
  node: string;
  /** Daemon pids and from when each runs (ms into the run). */
  pids?: [number, number][];
  heapPerHour?: number;
  ussPerHour?: number;
}

/** Samples every 30 s for `hours` of three (or the given) nodes; heap 18 MB, USS 60 MB, guard USS 30 MB, small noise. */
function samples(hours: number, nodes: NodeShape[]): ResourceSample[] {
  const random = seededRandom(42);
  const noise = (size: number) => (random() * 2 - 1) * size;
  const out: ResourceSample[] = [];
  for (let t = 0; t <= hours * HOUR; t += 30_000) {
    for (const [i, shape] of nodes.entries()) {
      const pids = shape.pids ?? [[1000 + i, 0]];
      const [daemonPid] = pids.filter(([, from]) => from <= t).at(-1)!;
      const h = t / HOUR;
      out.push({
        t,
        node: shape.node,
        daemonPid,
        daemonRssMb: 90,
        daemonFds: 27,
        daemonCpuS: t / 10_000,
        guardPid: daemonPid + 1,
        guardRssMb: 50,
        eventLoopP99Ms: 15,
        eventLoopMaxMs: 20,
        daemonHeapAfterGcMb: 18 + (shape.heapPerHour ?? 0) * h + noise(0.2),
        daemonHeapCommittedMb: 30,
        daemonUssMb: 60 + (shape.ussPerHour ?? 0) * h + noise(0.3),
        daemonPssMb: 70 + noise(0.3),
        guardUssMb: 30 + noise(0.2),
        guardPssMb: 38 + noise(0.2),
        nodeTotalMb: 130 + noise(0.3),
      });
    }
  }
  return out;
}

const FAULTS = [
  { id: 'neard-kill', title: '1. leader neard SIGKILL' },
  { id: 'daemon-stop', title: '4. leader daemon SIGSTOP > TTL, SIGCONT' },
  { id: 'renew-fail', title: "8. leader's session renewals answer HTTP 500, KV still works" },
];

function trial(fault: string, i: number): TrialResult {
  return { fault: fault as TrialResult['fault'], trial: i, detail: '', t0: i * 1000, tEnd: i * 1000 + 500, oldNode: 'node-a', oldNeardPid: 1, handoverMs: 50, newValidatorMs: 400, oldDeathMs: 10, lockFreeAfterDeathMs: 40, recovered: true, pollGapMs: 5, deathUncertaintyMs: 3, maxValidatingEntries: 1, problems: [] };
}

/** One duty segment per trial, `missed` blocks (and as many chunks) in the first one. */
function segments(trials: TrialResult[], missed = 0): SegmentDuties[] {
  return [{ fault: null, fromMs: 0, toMs: 1, blocksExpected: 10, blocksMissed: 0, chunksExpected: 10, chunksMissed: 0 },
    ...trials.map((t, i) => ({ fault: t.fault, fromMs: i, toMs: i + 1, blocksExpected: 50, blocksMissed: i === 0 ? missed : 0, chunksExpected: 50, chunksMissed: i === 0 ? missed : 0 }))];
}

function summary(hours: number, nodes: NodeShape[], trials: TrialResult[], missed = 0): SoakSummary {
  const chaos: RunSummary = { command: 'npm run soak', commit: 'abc1234', date: '2026-12-01T00:00:00.000Z', timings: '--session-ttl 10s', boundMs: 25_000, daemons: 3, partition: 'sigstop', trials, overlaps: [], idle: [], pollGapMs: 5, deathUncertaintyMs: 3, faults: FAULTS as RunSummary['faults'], skipped: [] };
  return {
    options: { command: `npm run soak -- --hours ${hours}`, hours, intervalS: 30, sampleS: 30, faults: FAULTS.map((f) => f.id) as SoakSummary['options']['faults'], seed: 1, schedule: 'X1', hotSwap: true },
    startedAt: 0,
    endedAt: hours * HOUR,
    chaos,
    samples: samples(hours, nodes),
    duties: { blockMs: 200, segments: segments(trials, missed) },
    aborted: null,
  };
}

const THREE: NodeShape[] = [{ node: 'node-a' }, { node: 'node-b' }, { node: 'node-c' }];
const TRIALS = [...Array.from({ length: 26 }, (_, i) => trial('neard-kill', i)), ...Array.from({ length: 37 }, (_, i) => trial('daemon-stop', i)), trial('renew-fail', 0)];

test('fault counts are the trial records, by fault, and add up to their total', () => {
  const counts = faultCounts(TRIALS, FAULTS);
  assert.deepEqual(counts.rows.map((r) => [r.id, r.trials]), [['neard-kill', 26], ['daemon-stop', 37], ['renew-fail', 1]]);
  assert.equal(counts.total, 64);
  assert.equal(counts.rows.reduce((a, r) => a + r.trials, 0), counts.total);
  assert.equal(faultCountText(counts), "64 (1. leader neard SIGKILL: 26; 4. leader daemon SIGSTOP > TTL, SIGCONT: 37; 8. leader's session renewals answer HTTP 500, KV still works: 1)");
});

test("the 2-hour soak's own table adds up to 232 faults, not the 252 typed above it", () => {
  // docs/soak-report.md, trials per fault 1-8 as its table lists them.
  const perFault = [26, 33, 24, 27, 31, 29, 37, 25];
  const records = perFault.flatMap((n, i) => Array.from({ length: n }, () => ({ fault: `f${i + 1}` })));
  assert.equal(faultCounts(records, perFault.map((_, i) => ({ id: `f${i + 1}`, title: `${i + 1}` }))).total, 232);
});

test('a trial of a fault missing from the list is still counted', () => {
  const counts = faultCounts([{ fault: 'neard-kill' }, { fault: 'mystery' }], FAULTS);
  assert.deepEqual(counts.rows.map((r) => [r.title, r.trials]), [['1. leader neard SIGKILL', 1], ['mystery', 1]]);
  assert.equal(counts.total, 2);
});

test('leak verdict: three flat daemons pass; +1 MB/h of live heap on one fails; +0.5 MB/h of USS fails', () => {
  const window = leakWindow(0, 2 * HOUR, 10 * MINUTE);
  assert.equal(leakVerdict(samples(2, THREE), window).verdict, 'pass');
  const heap = leakVerdict(samples(2, [{ node: 'node-a' }, { node: 'node-b', heapPerHour: 1 }, { node: 'node-c' }]), window);
  assert.equal(heap.verdict, 'fail');
  assert.deepEqual(heap.trends.filter((t) => t.trend.verdict === 'fail').map((t) => `${t.node} ${t.series}`), ['node-b daemon live heap']);
  const uss = leakVerdict(samples(2, [{ node: 'node-a', ussPerHour: 0.5 }, { node: 'node-b' }, { node: 'node-c' }]), window);
  assert.equal(uss.verdict, 'fail');
});

test('leak verdict: a daemon restarted inside the window leaves its node not judged, and the run cannot pass', () => {
  const window = leakWindow(0, 2 * HOUR, 10 * MINUTE);
  const restarted: NodeShape[] = [{ node: 'node-a', pids: [[1000, 0], [2000, 1.5 * HOUR]] }, { node: 'node-b' }, { node: 'node-c' }];
  const verdict = leakVerdict(samples(2, restarted), window);
  assert.equal(verdict.verdict, 'not judged');
  assert.ok(verdict.trends.some((t) => t.node === 'node-a' && t.daemonPid === 2000 && t.final && t.trend.verdict === 'too short'));
  assert.ok(verdict.trends.some((t) => t.node === 'node-a' && t.daemonPid === 1000 && !t.final));
  const run = summary(2, restarted, TRIALS);
  assert.equal(soakOutcome(run).passed, false);
  assert.equal(soakExitCode(run), 1);
});

test('memory at the start and at the end: medians of the process alive then, with how long it was sampled', () => {
  const all = samples(2, [{ node: 'node-a', pids: [[1000, 0], [2000, 1.5 * HOUR]], ussPerHour: 2 }]);
  const start = memoryAt(all, 'node-a', { from: 0, to: 5 * MINUTE })!;
  const end = memoryAt(all, 'node-a', { from: 2 * HOUR - 5 * MINUTE, to: 2 * HOUR })!;
  assert.equal(start.daemonPid, 1000);
  assert.equal(end.daemonPid, 2000);
  assert.ok(Math.abs(start.daemonUssMb! - 60.08) < 0.2, String(start.daemonUssMb));
  assert.ok(Math.abs(end.daemonUssMb! - 63.92) < 0.2, String(end.daemonUssMb));
  assert.ok(Math.abs(end.sampledMin - 30) < 0.01, String(end.sampledMin));
  assert.equal(memoryAt(all, 'node-z', { from: 0, to: HOUR }), null);
});

test('the report: computed fault count, the trend table, memory at both ends, PASS only with the leak verdict', () => {
  const passing = renderSoakReport(summary(2, THREE, TRIALS));
  assert.match(passing, /Faults injected \(counted from the run's trial records\): \*\*64 \(1\. leader neard SIGKILL: 26; /);
  assert.match(passing, /## Leak verdict: a trend with a bound/);
  assert.match(passing, /\| node-b \| 1001 \| daemon USS \| \d+ \| 12 \| [+-]0\.\d\d \| [+-]0\.\d\d \| pass \|/);
  assert.match(passing, /Leak verdict: \*\*PASS\*\*/);
  assert.match(passing, /\| node-c \| end \(11 samples\) \| 1002 \| 120\.0 \| \d\d\.\d \/ \d\d\.\d \| \d\d\.\d \/ \d\d\.\d \| 1[23]\d\.\d \|/);
  assert.match(passing, /\| node-c \| start \(11 samples\) \| 1002 \| 5\.0 \|/);
  assert.match(passing, /^Safety: \*\*PASS\*\*/m);
  assert.match(passing, /Result: \*\*PASS\*\*: safety held .*; leak verdict PASS/);
  assert.equal(soakExitCode(summary(2, THREE, TRIALS)), 0);

  const leaking = summary(2, [{ node: 'node-a', heapPerHour: 1 }, { node: 'node-b' }, { node: 'node-c' }], TRIALS);
  const failing = renderSoakReport(leaking);
  assert.match(failing, /\| node-a \| 1000 \| daemon live heap \| .* \| \*\*FAIL\*\*: rises \+1\.\d\d\/h/);
  assert.match(failing, /Result: \*\*FAIL\*\*: safety held .*; leak verdict FAIL/);
  assert.equal(soakExitCode(leaking), 1);
});

test('a smoke run never passes, but exits 0 when safety held and no memory series failed', () => {
  const smoke = summary(10 / 60, THREE, TRIALS.slice(0, 3));
  assert.equal(soakOutcome(smoke).leak.verdict, 'not judged');
  assert.equal(soakOutcome(smoke).passed, false);
  assert.match(renderSoakReport(smoke), /Result: \*\*SMOKE RUN, no PASS possible\*\*/);
  assert.equal(soakExitCode(smoke), 0);
  assert.equal(soakExitCode({ ...smoke, chaos: { ...smoke.chaos, trials: [{ ...trial('neard-kill', 0), problems: ['not recovered'] }] } }), 1);
  assert.equal(soakExitCode({ ...smoke, aborted: 'world never healthy' }), 2);
});

test('PASS needs the missed duties per fault under the target: one neard SIGKILL costing a block and a chunk of 26 fails it', () => {
  // 2 / 26 = 0.077 missed per neard SIGKILL: at or over 0.05, though safety and the leak verdict pass.
  const missing = summary(2, THREE, TRIALS, 1);
  assert.equal(soakOutcome(missing).headline?.verdict, 'fail');
  assert.equal(soakOutcome(missing).passed, false);
  assert.equal(soakExitCode(missing), 1);
  assert.match(renderSoakReport(missing), /Result: \*\*FAIL\*\*: safety held .*; missed duties per fault FAIL \(0\.031 over all 64 faults, target under 0\.05 for every kind\); leak verdict PASS/);
  // Not counted (the run never got healthy): no PASS either.
  assert.equal(soakOutcome({ ...summary(2, THREE, TRIALS), duties: null }).passed, false);
  // A smoke run exits 1 on missed duties over the target: a failure, not a run too short to judge.
  assert.equal(soakExitCode(summary(10 / 60, THREE, TRIALS.slice(0, 3), 1)), 1);
});
