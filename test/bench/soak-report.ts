// The soak's report (docs/soak-report.md): safety and recovery from the chaos harness's own table,
// then each daemon's resources over time and, per process lifetime, whether RSS and open file
// descriptors stayed flat after the warm-up (series.ts). A run under an hour is labelled a smoke run.
import { stats } from '../chaos/checker.js';
import { failures, renderReport } from '../chaos/report.js';
import { growth, GROWTH_LIMIT_PCT, type Growth, type Sample } from './series.js';
import type { ResourceSample } from './soak-sampler.js';
import type { SoakSummary } from './soak-run.js';

/** Shorter than this, a soak proves the script works, not that nothing leaks. */
const SMOKE_BELOW_HOURS = 1;
/** Absolute growth that is never a leak: MB of RSS, open fds. */
const RSS_SLACK_MB = 5;
/** The live heap is far smaller than RSS and steadier: 2 MB of growth is already worth a look. */
const HEAP_SLACK_MB = 2;
const FD_SLACK = 4;
/** Rows of the resources-over-time table. */
const TIME_ROWS = 12;

const f1 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(1));
const minutes = (ms: number) => (ms / 60_000).toFixed(1);

export function warmupMs(hours: number): number {
  // 10 minutes, or a fifth of a short run.
  return Math.min(10 * 60_000, (hours * 3_600_000) / 5);
}

export function soakPassed(summary: SoakSummary): boolean {
  return summary.aborted === null && failures(summary.chaos).length === 0 && summary.chaos.trials.length > 0;
}

export function renderSoakReport(summary: SoakSummary): string {
  const { options, startedAt, endedAt, samples } = summary;
  const smoke = options.hours < SMOKE_BELOW_HOURS;
  const warmup = warmupMs(options.hours);
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
  lines.push(
    `Command: \`${options.command}\`  `,
    `Started ${new Date(startedAt).toISOString()}, ended ${new Date(endedAt).toISOString()}; seed ${options.seed} (\`--seed\` replays the fault sequence).  `,
    `A random fault of ${options.faults.length} every ${options.intervalS} s on average (each gap ${options.intervalS / 2}-${options.intervalS * 1.5} s after the previous fault began, or after its trial ended if that is later); resources sampled every ${options.sampleS} s.`,
    '',
  );
  if (summary.aborted) lines.push(`**Aborted by the harness:** ${summary.aborted}`, '');
  lines.push('## Safety and recovery', '', renderReport(summary.chaos).replace(/^# Chaos report\n\n/, ''));
  lines.push('## Resources of each daemon', '');
  lines.push(
    'RSS from /proc/<pid>/status, open fds from /proc/<pid>/fd; from the daemon\'s /metrics the live JS heap ' +
      '(kuutamod_heap_after_full_gc_bytes: V8\'s heap in use after the last full collection, what a JS leak moves), the heap V8 has committed ' +
      '(nodejs_heap_size_total_bytes: the part of RSS that follows the heap) and the event-loop delay ' +
      '(prom-client\'s nodejs_eventloop_lag_p99/max_seconds since the previous scrape). A daemon restarted by a fault (kill, SIGTERM) is a new process.',
    '',
  );
  lines.push(...timeTable(samples, startedAt, Math.max(startedAt + 1, ...samples.map((s) => s.t + 1))), '');
  lines.push(`### Flat after the warm-up? (warm-up: the first ${minutes(warmup)} min of each process; "grows" = the median of the last third of its samples is more than ${GROWTH_LIMIT_PCT} % and more than ${RSS_SLACK_MB} MB of RSS / ${HEAP_SLACK_MB} MB of live heap / ${FD_SLACK} fds above that of the first third)`, '');
  lines.push('| node | daemon pid | lived min | samples | daemon RSS MB first → last (slope/h) | daemon live heap MB first → last (slope/h) | daemon heap committed MB first → last | guard RSS MB first → last | fds first → last | event-loop p99 ms median / max | verdict |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [key, mine] of groupBy(samples, (s) => `${s.node} ${s.daemonPid}`)) {
    const [node, pid] = key.split(' ');
    // A daemon restarted by a fault warms up again.
    const warmupUntil = mine[0]!.t + warmup;
    const rss = growth(series(mine, (s) => s.daemonRssMb), warmupUntil, RSS_SLACK_MB);
    const heap = growth(series(mine, (s) => s.daemonHeapAfterGcMb), warmupUntil, HEAP_SLACK_MB);
    const committed = growth(series(mine, (s) => s.daemonHeapCommittedMb), warmupUntil, RSS_SLACK_MB);
    const guard = growth(series(mine, (s) => s.guardRssMb), warmupUntil, RSS_SLACK_MB);
    const fds = growth(series(mine, (s) => s.daemonFds), warmupUntil, FD_SLACK);
    const p99 = stats(mine.flatMap((s) => (s.eventLoopP99Ms === null ? [] : [s.eventLoopP99Ms])));
    const lived = mine[mine.length - 1]!.t - mine[0]!.t;
    const verdicts = [rss, heap, guard, fds].map((g) => g.verdict);
    const verdict = verdicts.includes('grows') ? '**grows**' : verdicts.every((v) => v === 'flat') ? 'flat' : 'too short to judge';
    lines.push(`| ${node} | ${pid} | ${minutes(lived)} | ${mine.length} | ${trend(rss, true)} | ${trend(heap, true)} | ${trend(committed)} | ${trend(guard)} | ${trend(fds)} | ${f1(p99.median)} / ${f1(p99.max)} | ${verdict} |`);
  }
  const problems = failures(summary.chaos);
  lines.push('', soakPassed(summary) ? 'Result: **PASS** (0 overlaps, every fault recovered within its bound).' : `Result: **FAIL**${problems.length ? `: ${problems.length} problem(s) listed above` : ''}${summary.aborted ? ' (aborted)' : ''}.`);
  return lines.join('\n') + '\n';
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
