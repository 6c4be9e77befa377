// The soak's report (docs/soak-report.md): first its headline, the pool's scheduled blocks and chunks
// missed per fault by fault kind against a target (soak-headline.ts); the faults injected, counted from
// the trial records; safety and recovery from the chaos harness's own table; the leak verdict, a trend with a bound over the last
// half of the run (leak-trend.ts); each node's memory (USS, PSS, node total) at the start and at the end;
// then each daemon's resources over time. PASS needs safety, the headline's target and the leak verdict. A run under an hour is
// a smoke run: it can show the script works, never PASS.
import { renderFiguresBlock, stripFiguresBlock } from '../../scripts/figures/block.js';
import { stats } from '../chaos/checker.js';
import { failures, renderReport } from '../chaos/report.js';
import { BUCKET_MS, LEAK_BOUND_MB_PER_HOUR, leakWindow, MIN_BUCKETS, MIN_COVERAGE } from './leak-trend.js';
import { soakFigures } from './report-figures.js';
import { growth, type Growth, type Sample } from './series.js';
import { faultCounts, faultCountText, leakVerdict, memoryAt, type LeakVerdict, type MemoryAt } from './soak-figures.js';
import { MISSED_PER_FAULT_TARGET, soakHeadline, type Headline, type HeadlineRow } from './soak-headline.js';
import type { ResourceSample } from './soak-sampler.js';
import type { SoakSummary } from './soak-run.js';

/** Shorter than this, a soak proves the script works, not that nothing leaks. */
const SMOKE_BELOW_HOURS = 1;
/** Rows of the resources-over-time table. */
const TIME_ROWS = 12;
/** Memory at the start and at the end: medians over this many minutes at either end of the run. */
const END_MINUTES = 5;

const f1 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(1));
const minutes = (ms: number) => (ms / 60_000).toFixed(1);

export function warmupMs(hours: number): number {
  // 10 minutes, or a fifth of a short run.
  return Math.min(10 * 60_000, (hours * 3_600_000) / 5);
}

export interface SoakOutcome {
  smoke: boolean;
  /** 0 overlaps, every fault recovered within its bound, at least one trial, not aborted. */
  safety: boolean;
  leak: LeakVerdict;
  /** Missed duties per fault against the target; null if they were not counted (the run never got healthy). */
  headline: Headline | null;
  /** PASS: safety, the headline's target met and a leak verdict of pass (never for a smoke run, which is too short for one). */
  passed: boolean;
}

export function soakOutcome(summary: SoakSummary): SoakOutcome {
  const smoke = summary.options.hours < SMOKE_BELOW_HOURS;
  const safety = summary.aborted === null && failures(summary.chaos).length === 0 && summary.chaos.trials.length > 0;
  const leak = leakVerdict(summary.samples, leakWindow(summary.startedAt, summary.endedAt, warmupMs(summary.options.hours)));
  const headline = summary.duties === null ? null : soakHeadline(summary.duties.segments, summary.chaos.faults);
  return { smoke, safety, leak, headline, passed: !smoke && safety && headline?.verdict === 'pass' && leak.verdict === 'pass' };
}

export function soakPassed(summary: SoakSummary): boolean {
  return soakOutcome(summary).passed;
}

/** soak.ts's exit code: 0 PASS (or a smoke run whose safety held and whose missed duties and memory did not fail), 1 FAIL, 2 the harness gave up. */
export function soakExitCode(summary: SoakSummary): 0 | 1 | 2 {
  if (summary.aborted) return 2;
  const outcome = soakOutcome(summary);
  return outcome.passed || (outcome.smoke && outcome.safety && outcome.headline?.verdict !== 'fail' && outcome.leak.verdict !== 'fail') ? 0 : 1;
}

export function renderSoakReport(summary: SoakSummary): string {
  const { options, startedAt, endedAt, samples } = summary;
  const outcome = soakOutcome(summary);
  const { smoke, leak } = outcome;
  const lines = [
    smoke ? `# Soak report: SMOKE RUN (${minutes(endedAt - startedAt)} min)` : `# Soak report (${(options.hours).toFixed(2)} h)`,
    '',
  ];
  if (smoke) {
    lines.push(
      `> This is a smoke run of ${options.hours} h: it shows that \`npm run soak\` works end to end. It is too short to`,
      '> show the absence of a leak; the real soak is `npm run soak -- --hours 2` on a quiet machine.',
      '',
    );
  }
  lines.push(...headlineSection(summary, outcome.headline), '');
  lines.push(
    `Command: \`${options.command}\`  `,
    `Commit: ${summary.chaos.commit}  `,
    `Started ${new Date(startedAt).toISOString()}, ended ${new Date(endedAt).toISOString()}; seed ${options.seed} (\`--seed\` replays the fault sequence).  `,
    `A random fault of ${options.faults.length} every ${options.intervalS} s on average (each gap ${options.intervalS / 2}-${options.intervalS * 1.5} s after the previous fault began, or after its trial ended if that is later); resources sampled every ${options.sampleS} s.  `,
    `Faults injected (counted from the run's trial records): **${faultCountText(faultCounts(summary.chaos.trials, summary.chaos.faults))}**.`,
    '',
  );
  if (summary.aborted) lines.push(`**Aborted by the harness:** ${summary.aborted}`, '');
  // The chaos table without its figures block: the soak's own block, at the end, carries those figures.
  lines.push('## Safety and recovery', '', stripFiguresBlock(renderReport(summary.chaos)).trimEnd().replace(/^# Chaos report\n\n/, '').replace(/^Result: /m, 'Safety: '), '');
  lines.push(...leakSection(leak, startedAt), '');
  lines.push(...memorySection(samples, startedAt, endedAt), '');
  lines.push('## Resources of each daemon', '');
  lines.push(
    'RSS from /proc/<pid>/status, open fds from /proc/<pid>/fd; from the daemon\'s /metrics the live JS heap ' +
      '(kuutamod_heap_after_full_gc_bytes: V8\'s heap in use after the last full collection, what a JS leak moves), the heap V8 has committed ' +
      '(nodejs_heap_size_total_bytes: the part of RSS that follows the heap) and the event-loop delay ' +
      '(prom-client\'s nodejs_eventloop_lag_p99/max_seconds since the previous scrape). A daemon restarted by a fault (kill, SIGTERM) is a new process.',
    '',
  );
  lines.push(...timeTable(samples, startedAt, Math.max(startedAt + 1, ...samples.map((s) => s.t + 1))), '');
  const warmup = warmupMs(options.hours);
  lines.push(`### Each daemon process after its warm-up (the first ${minutes(warmup)} min of each process): median of the first third of its samples → of the last third (least-squares slope per hour); descriptive, the verdict is the trend above`, '');
  lines.push('| node | daemon pid | lived min | samples | daemon RSS MB (slope/h) | daemon USS MB (slope/h) | daemon live heap MB (slope/h) | daemon heap committed MB | guard USS MB | fds | event-loop p99 ms median / max |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [key, mine] of groupBy(samples, (s) => `${s.node} ${s.daemonPid}`)) {
    const [node, pid] = key.split(' ');
    // A daemon restarted by a fault warms up again.
    const warmupUntil = mine[0]!.t + warmup;
    const of = (pick: (s: ResourceSample) => number | null) => growth(series(mine, pick), warmupUntil);
    const p99 = stats(mine.flatMap((s) => (s.eventLoopP99Ms === null ? [] : [s.eventLoopP99Ms])));
    const lived = mine[mine.length - 1]!.t - mine[0]!.t;
    lines.push(
      `| ${node} | ${pid} | ${minutes(lived)} | ${mine.length} | ${trend(of((s) => s.daemonRssMb), true)} | ${trend(of((s) => s.daemonUssMb), true)} | ${trend(of((s) => s.daemonHeapAfterGcMb), true)} | ${trend(of((s) => s.daemonHeapCommittedMb))} | ${trend(of((s) => s.guardUssMb))} | ${trend(of((s) => s.daemonFds))} | ${f1(p99.median)} / ${f1(p99.max)} |`,
    );
  }
  lines.push('', resultLine(outcome, summary));
  // The headline numbers for README (npm run docs:figures).
  const atEnd = [...new Set(samples.map((s) => s.node))].sort().map((node) => memoryAt(samples, node, endWindow(startedAt, endedAt)));
  lines.push('', renderFiguresBlock({ commit: summary.chaos.commit, command: options.command, date: new Date(startedAt).toISOString(), figures: soakFigures(summary.chaos, outcome.headline, leak, atEnd) }));
  return lines.join('\n');
}

function resultLine(outcome: SoakOutcome, summary: SoakSummary): string {
  const problems = failures(summary.chaos).length;
  const safety = outcome.safety ? 'safety held (0 overlaps, every fault recovered within its bound)' : `safety FAILED${problems ? ` (${problems} problem(s) listed above)` : ''}${summary.aborted ? ' (aborted)' : ''}`;
  const leak = `leak verdict ${outcome.leak.verdict.toUpperCase()}`;
  const h = outcome.headline;
  const missed = h === null ? 'missed duties NOT COUNTED' : `missed duties per fault ${h.verdict.toUpperCase()} (${perFault(h.all)} over all ${h.all.faults} faults, target under ${MISSED_PER_FAULT_TARGET} for every kind)`;
  if (outcome.passed) return `Result: **PASS**: ${safety}; ${missed}; ${leak} (every series below ${LEAK_BOUND_MB_PER_HOUR} MB/h).`;
  if (outcome.smoke) return `Result: **SMOKE RUN, no PASS possible**: ${safety}; ${missed}; ${leak} (a smoke run is too short to bound a leak).`;
  return `Result: **FAIL**: ${safety}; ${missed}; ${leak}${outcome.leak.verdict === 'not judged' ? ' (PASS needs every node\'s last daemon judged: faults that restart daemons leave none long enough; use faults that keep them alive, docs/scale.md "Soak")' : ''}.`;
}

const perFault = (r: HeadlineRow) => (r.missedPerFault === null ? '-' : r.missedPerFault.toFixed(3));

function headlineSection(summary: SoakSummary, h: Headline | null): string[] {
  const { options, duties } = summary;
  const lines = ['## Headline: scheduled blocks and chunks missed per fault', ''];
  if (duties === null || h === null) return [...lines, '**Not counted**: the run never became healthy, so no fault ran.'];
  lines.push(
    `The pool's account is due by the stand-in's schedule \`${options.schedule}\` from each epoch's first height (${duties.blockMs} ms blocks), ` +
      `with the validator key hot swap ${options.hotSwap ? 'on (`--validator-key-hot-swap`)' : '**off** (`--no-hot-swap`: a promotion restarts neard)'}. ` +
      'Blocks and chunks are counted as the chain counts them (the stand-in\'s duty rules over the shared validator log; a restarted neard produces only once synced). ' +
      'Each fault owns the time from its start to the next fault\'s start, its aftermath included, so every missed duty of the run is counted. ' +
      `Target: fewer than **${MISSED_PER_FAULT_TARGET}** missed per fault, for every kind and over the run.`,
    '',
    '| fault | faults | blocks missed / due | chunks missed / due | missed per fault | target |',
    '|---|---|---|---|---|---|',
  );
  const judged = (r: HeadlineRow) => (r.met === null ? '-' : r.met ? 'met' : '**MISSED**');
  for (const r of [...h.byFault, h.before, h.all]) {
    const name = r.id === 'all' ? `**${r.title}** (misses before the first fault included)` : r.title;
    lines.push(`| ${name} | ${r.id === 'before' ? '-' : r.faults} | ${r.blocksMissed} / ${r.blocksExpected} | ${r.chunksMissed} / ${r.chunksExpected} | ${perFault(r)} | ${judged(r)} |`);
  }
  lines.push('', `Missed duties per fault: **${h.verdict.toUpperCase()}**${h.verdict === 'not judged' ? ' (no fault ran, or the account had no duty in the run)' : ''}.`);
  return lines;
}

const f2 = (v: number | null) => (v === null ? '-' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`);

function leakSection(leak: LeakVerdict, startedAt: number): string[] {
  const from = minutes(leak.window.from - startedAt);
  const to = minutes(leak.window.to - startedAt);
  const lines = [
    '## Leak verdict: a trend with a bound',
    '',
    `Over the last half of the run after the warm-up (minute ${from} to ${to}), each series of each daemon process is cut into ` +
      `${BUCKET_MS / 60_000}-minute buckets, a least-squares line is fitted through the bucket medians, and the series passes only when the ` +
      `one-sided 95 % upper bound of its slope is below **${LEAK_BOUND_MB_PER_HOUR} MB/h**: a steady rise of ${LEAK_BOUND_MB_PER_HOUR} MB/h or more fails, ` +
      `and so does a series too noisy to show it stays below. Series: the daemon's live JS heap (after its last full collection), ` +
      `its USS and its guard's USS (private memory, /proc/<pid>/smaps_rollup). A process is judged when its samples span ${MIN_COVERAGE * 100} % of the window ` +
      `in at least ${MIN_BUCKETS} buckets; PASS needs every node's last daemon process judged and every series passing.`,
    '',
    '| node | daemon pid | series | samples | buckets | slope MB/h | 95 % upper bound MB/h | verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  // Each node's last process, and any other that was judged; the rest lived too little of the window.
  const shown = leak.trends.filter((t) => t.final || t.trend.verdict !== 'too short').sort((a, b) => a.node.localeCompare(b.node) || Number(a.final) - Number(b.final));
  for (const t of shown) {
    const verdict = t.trend.verdict === 'pass' ? 'pass' : t.trend.verdict === 'fail' ? `**FAIL**: ${t.trend.reason}` : `too short: ${t.trend.reason}`;
    lines.push(`| ${t.node} | ${t.daemonPid}${t.final ? "" : " (earlier)"} | ${t.series} | ${t.trend.samples} | ${t.trend.buckets} | ${f2(t.trend.slopePerHour)} | ${f2(t.trend.upperPerHour)} | ${verdict} |`);
  }
  const hidden = new Set(leak.trends.filter((t) => !shown.includes(t)).map((t) => `${t.node} ${t.daemonPid}`)).size;
  if (hidden > 0) lines.push('', `${hidden} other daemon process(es) lived only part of the window (restarted by a fault): too short to judge, not listed.`);
  lines.push('', `Leak verdict: **${leak.verdict.toUpperCase()}**.`);
  return lines;
}

/** The last END_MINUTES of the run, where "memory at the end" is taken. */
function endWindow(startedAt: number, endedAt: number): { from: number; to: number } {
  return { from: Math.max(startedAt, endedAt - END_MINUTES * 60_000), to: endedAt };
}

function memorySection(samples: ResourceSample[], startedAt: number, endedAt: number): string[] {
  const nodes = [...new Set(samples.map((s) => s.node))].sort();
  const end = endWindow(startedAt, endedAt);
  const ends: [string, number, number][] = [
    ['start', startedAt, Math.min(endedAt, startedAt + END_MINUTES * 60_000)],
    ['end', end.from, end.to],
  ];
  const lines = [
    '## Memory at the start and at the end',
    '',
    `Medians over the samples of the first and the last ${END_MINUTES} minutes of the run, of the daemon process alive then ("sampled" is how long that process had been sampled). ` +
      'USS: private memory, freed when the process exits; PSS: private plus each shared page divided by the processes sharing it; node total: daemon USS + guard USS + the pages they share, once (proc-usage.ts nodeTotalMb).',
    '',
    '| node | when | daemon pid | sampled min | daemon USS / PSS MB | guard USS / PSS MB | node total MB |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const node of nodes) {
    for (const [when, from, to] of ends) {
      const m: MemoryAt | null = memoryAt(samples, node, { from, to });
      if (m === null) lines.push(`| ${node} | ${when} | - | - | - | - | - |`);
      else lines.push(`| ${node} | ${when} (${m.samples} samples) | ${m.daemonPid} | ${m.sampledMin.toFixed(1)} | ${f1(m.daemonUssMb)} / ${f1(m.daemonPssMb)} | ${f1(m.guardUssMb)} / ${f1(m.guardPssMb)} | ${f1(m.nodeTotalMb)} |`);
    }
  }
  return lines;
}

function trend(g: Growth, withSlope = false): string {
  if (g.firstMedian === null) return `(${g.n} samples after warm-up)`;
  return `${f1(g.firstMedian)} → ${f1(g.lastMedian)}${withSlope ? ` (${g.slopePerHour! >= 0 ? '+' : ''}${f1(g.slopePerHour)})` : ''}`;
}

function series(samples: ResourceSample[], pick: (s: ResourceSample) => number | null): Sample[] {
  return samples.flatMap((s) => {
    const value = pick(s);
    return value === null ? [] : [{ t: s.t, value }];
  });
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/** Rows = equal slices of the run; per node: daemon RSS / guard RSS (MB, medians), fds (max), event-loop p99 (ms, max). */
function timeTable(samples: ResourceSample[], from: number, to: number): string[] {
  const nodes = [...new Set(samples.map((s) => s.node))].sort();
  const slice = Math.max(1, (to - from) / TIME_ROWS);
  const lines = [
    `| minute | ${nodes.map((n) => `${n}: daemon / guard RSS MB, daemon live heap MB, fds, loop p99 ms`).join(' | ')} |`,
    `|---|${nodes.map(() => '---').join('|')}|`,
  ];
  for (let start = from; start < to; start += slice) {
    const cells = nodes.map((node) => {
      const mine = samples.filter((s) => s.node === node && s.t >= start && s.t < start + slice);
      if (mine.length === 0) return '-';
      const median = (pick: (s: ResourceSample) => number | null) => stats(mine.flatMap((s) => (pick(s) === null ? [] : [pick(s)!]))).median;
      const max = (pick: (s: ResourceSample) => number | null) => stats(mine.flatMap((s) => (pick(s) === null ? [] : [pick(s)!]))).max;
      return `${f1(median((s) => s.daemonRssMb))} / ${f1(median((s) => s.guardRssMb))}, ${f1(median((s) => s.daemonHeapAfterGcMb))}, ${max((s) => s.daemonFds) ?? '-'}, ${f1(max((s) => s.eventLoopP99Ms))}`;
    });
    lines.push(`| ${minutes(start - from)} | ${cells.join(' | ')} |`);
  }
  return lines;
}
