// docs/consul-load.md from a run of the Consul load bench (pure, unit-tested in consul-load-report.test.ts):
// how it was run, one column per pool count, and under the table where this machine limited a run and
// where a run broke, in words computed from the figures (consul-load-figures.ts), never typed.
import { limitNotes, type LoadMeasure, type LoadResult, type ProcessFigures } from './consul-load-figures.js';

export interface LoadRunContext {
  command: string;
  commit: string;
  date: string;
  /** e.g. "2 cores, 23.5 GB RAM, Linux 6.1" */
  machine: string;
  consulVersion: string;
  daemonsPerPool: number;
  /** Generator worker processes. */
  processes: number;
  transport: string;
  /** The daemon timings in words (kuutamod's defaults, where they come from). */
  timings: string;
  rampS: number;
  warmupS: number;
  windowS: number;
  kills: number;
}

const f1 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(1));
const f2 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(2));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0));
const cpu = (ps: readonly ProcessFigures[]) => (ps.length === 0 ? '-' : `${f1(ps.reduce((a, p) => a + p.cpuPct, 0))} (${ps.map((p) => f1(p.cpuPct)).join(' + ')})`);
const rss = (ps: readonly ProcessFigures[]) => (ps.length === 0 ? '-' : ps.map((p) => `${f1(p.rssMb)} (${f1(p.peakRssMb)})`).join(', '));

/** The latency kinds worth a row of their own: the steady ones of every pool. */
const KIND_ROWS = ['PUT /v1/session/renew', 'PUT kuutamod-members ?acquire', 'GET kuutamod-members ?recurse', 'GET kuutamod-leader'];

export function renderConsulLoadReport(results: readonly LoadResult[], ctx: LoadRunContext): string {
  const head = [
    '# Consul load: many pools on one Consul datacenter, measured',
    '',
    `Command: \`${ctx.command}\`  `,
    `Commit: ${ctx.commit}; date ${ctx.date}; machine: ${ctx.machine}, shared with other work (see "machine busy").  `,
    `Consul ${ctx.consulVersion}: 3 servers on loopback (raft_multiplier 1, limits.http_max_conns_per_client raised: every client is 127.0.0.1).  `,
    `Daemon timings: ${ctx.timings}.`,
    '',
    `**Simulated pools** (${ctx.daemonsPerPool} daemons each, ${ctx.processes} generator process(es), talking to ${ctx.transport}): each simulated daemon runs the daemon's own`,
    "Consul code with its own client: the election (session, renewals at the daemon's pace, the leader's at holderRenewIntervalMs,",
    'lock watch by blocking query, acquire attempts, fallback read), the member publisher, the pool reader while it votes and the',
    "handover record watch (test/bench/simulated-daemon.ts). Neither neard nor the status poller is simulated: they make no Consul request.",
    '**The real pool**: 2 real daemons (`bin/kuutamod.js`, stand-in neards at a block a second), each with its own Consul client',
    "agent, as in bench:scale. Its lock handover time is measured under the load: SIGKILL of the leader's neard until Consul's key names",
    "the standby's session, watched on the servers' HTTP APIs.",
    '',
    `Procedure per pool count, each in a fresh world: the real pool up, then the generator, its daemons started over ${ctx.rampS} s; once every`,
    `simulated pool has a leader, ${ctx.warmupS} s of warm-up, a ${ctx.windowS} s window (requests, latency, CPU, memory, raft), then ${ctx.kills} kills in the real pool`,
    'while the load runs. Expected rates are what the simulated pools make at the daemon timings (test/bench/consul-load-plan.ts); the real',
    "pool and Consul's own work come on top. Each blocking query is re-issued once per 5-minute hold, so a window that begins soon after the",
    'daemons started sees fewer of those than the steady state. Request latency is send to answer in the generator (blocking queries are',
    'counted, not timed). Raft commits/s: the',
    "leader's `consul.raft.apply` over the complete 10 s telemetry intervals inside the window (`/v1/agent/metrics`), the commitTime",
    "samples' count in brackets, and the leader's commit_index advance. CPU: utime + stime from /proc, % of one core; memory: VmRSS at the",
    "window's end (VmHWM, the peak, in brackets).",
    '',
  ];
  const col = (r: LoadResult) => `N = ${r.pools} pools (${r.pools * ctx.daemonsPerPool} daemons)`;
  const rows: Array<[string, (m: LoadMeasure, r: LoadResult) => string]> = [
    ['simulated daemons started / pools with a leader', (m) => `${m.started} of ${m.daemons} / ${m.poolsWithLeader} of ${m.pools}`],
    ['all pools with a leader, s after the generator started', (m) => (m.establishedS === null ? 'not reached' : f1(m.establishedS))],
    ['window s', (m) => f1(m.windowS)],
    ['**Consul requests/s, measured / expected** (steady: renewals, record writes, reads)', (m) => `**${f1(m.requests.perS)} / ${f1(m.expected.total)}**`],
    ['watch cycle requests/s, measured / steady state (blocking queries re-issued once per hold, handover reads after them)', (m) => `${f2(m.requests.watchPerS)} / ${f2(m.expected.watchPerS)}`],
    ['blocking queries held open at the end, measured / expected', (m) => `${m.requests.blockingOpen} / ${m.expected.heldOpenTotal}`],
    ['by kind, measured / expected (per s)', (m) => kindsOf(m).map((kind) => `${kind}: ${f2(m.requests.byKind.find((k) => k.kind === kind)?.perS ?? 0)} / ${f2(m.expected.byKind[kind] ?? 0)}`).join('<br>')],
    ['failed requests', (m) => String(m.requests.failed)],
    ['**request latency ms, p50 / p99** (max)', (m) => `**${ms(m.requests.p50Ms)} / ${ms(m.requests.p99Ms)}** (${ms(m.requests.maxMs)})`],
    ...KIND_ROWS.map((kind): [string, (m: LoadMeasure) => string] => [
      `&nbsp;&nbsp;${kind}, p50 / p99`,
      (m) => {
        const k = m.requests.byKind.find((x) => x.kind === kind);
        return k ? `${ms(k.p50Ms)} / ${ms(k.p99Ms)}` : '-';
      },
    ]),
    ['**raft commits/s** (consul.raft.apply; commitTime count)', (m) => `**${f1(m.telemetry.raftApplyPerS)}** (${f1(m.telemetry.commitsPerS)}), ${m.telemetry.intervals} intervals`],
    ['raft commit_index advance per s / expected member writes per s', (m) => `${f1(m.commitIndexPerS)} / ${f1(m.expected.raftWritesPerS)}`],
    ['raft commit time ms, mean', (m) => ms(m.telemetry.commitMeanMs)],
    ['**Consul servers CPU, % of one core** (sum: each, leader first)', (m) => `**${cpu(leaderFirst(m.servers))}**`],
    ['**Consul servers RSS MB** (peak), leader first', (m) => `**${rss(leaderFirst(m.servers))}**`],
    ['leader: goroutines / Go heap MB / TTL sessions (highest)', (m) => `${m.telemetry.goroutinesMax ?? '-'} / ${f1(m.telemetry.allocMbMax)} / ${m.telemetry.sessionsMax ?? '-'}`],
    ['Consul client agents CPU, % of one core', (m) => cpu(m.agents)],
    ['generator CPU, % of one core (each process)', (m) => cpu(m.generator)],
    ['generator RSS MB (peak)', (m) => rss(m.generator)],
    ['generator event-loop delay ms, p99 / max (worst process)', (m) => `${ms(m.generatorLoopP99Ms)} / ${ms(m.generatorLoopMaxMs)}`],
    ['harness CPU, % of one core', (m) => f1(m.harness.cpuPct)],
    ['machine: all cores busy % / load average (1 min) start, end', (m) => `${f1(m.machineBusyPct)} / ${f1(m.load[0])}, ${f1(m.load[1])}`],
    ['**real pool: lock handover ms, median / p95 / max**', (_, r) => (r.handover ? `**${ms(r.handover.handoverMs.median)} / ${ms(r.handover.handoverMs.p95)} / ${ms(r.handover.handoverMs.max)}**` : '-')],
    ['real pool: kills (without a handover within 30 s)', (_, r) => (r.handover ? `${r.handover.kills} (${r.handover.failed})` : '-')],
  ];
  const table = [
    `| | ${results.map(col).join(' | ')} |`,
    `|---|${results.map(() => '---').join('|')}|`,
    ...rows.map(([label, cell], i) => `| ${label} | ${results.map((r) => (r.measure ? cell(r.measure, r) : i === 0 ? 'broke (below)' : '-')).join(' | ')} |`),
  ];
  const notes = ['', '## Where this machine limited or broke a run (computed from the figures)', ''];
  for (const r of results) {
    const lines = [...(r.broke ? [`broke: ${r.broke}`] : []), ...(r.measure ? limitNotes(r.measure) : [])];
    notes.push(`- N = ${r.pools}: ${lines.length === 0 ? 'nothing: the generator kept pace with CPU to spare, every pool had its leader, no request failed.' : lines.join('; ')}`);
  }
  return [...head, ...table, ...notes, ''].join('\n');
}

/** Every kind measured or expected: the busiest measured first, then those expected and not seen. */
function kindsOf(m: LoadMeasure): string[] {
  const measured = m.requests.byKind.map((k) => k.kind);
  return [...measured, ...Object.keys(m.expected.byKind).filter((kind) => !measured.includes(kind))];
}

function leaderFirst<T extends { leader: boolean }>(servers: readonly T[]): T[] {
  return [...servers].sort((a, b) => Number(b.leader) - Number(a.leader));
}
