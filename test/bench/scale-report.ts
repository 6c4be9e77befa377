// The scale benchmark's results as markdown: one column per pool count, so N = 25 and N = 1 read side
// by side. docs/scale.md quotes this output and draws the projection from it.
import { renderFiguresBlock } from '../../scripts/figures/block.js';
import type { Stats } from '../chaos/checker.js';
import { scaleFigures } from './report-figures.js';
import type { IdleMeasure, KillMeasure } from './scale-measure.js';

export interface ScaleResult {
  pools: number;
  idle: IdleMeasure;
  kills: KillMeasure;
  /** 1-minute load average of the machine at the start and end of this world's run (other users included). */
  load: [number, number];
}

export interface ScaleRun {
  command: string;
  /** The commit measured (gitRevision). */
  commit: string;
  date: string;
  timings: string;
  cores: number;
  results: ScaleResult[];
}

const n1 = (v: number | null) => (v === null ? '-' : v.toFixed(1));
const range = (s: Stats, f: (v: number | null) => string = n1) => `${f(s.median)} (${f(s.min)}-${f(s.max)})`;
const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)}`);

export function renderScaleReport(run: ScaleRun): string {
  const rs = run.results;
  const row = (label: string, cell: (r: ScaleResult) => string) => `| ${label} | ${rs.map(cell).join(' | ')} |`;
  const lines = [
    `Command: \`${run.command}\`  `,
    `Commit: ${run.commit}  `,
    `Date: ${run.date}; ${run.cores} cores shared with other work (see load); daemon timings \`${run.timings}\`.  `,
    'Consul: 3 servers (1.8.7) on loopback, one client agent per daemon. Requests counted at a proxy between each daemon and its agent (each is one RPC the agent forwards to a server).',
    '',
    `| | ${rs.map((r) => `N = ${r.pools} pools (${2 * r.pools} daemons)`).join(' | ')} |`,
    `|---|${rs.map(() => '---').join('|')}|`,
    row('load average (1 min) at start / end', (r) => `${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}`),
    row('idle window s', (r) => r.idle.windowS.toFixed(0)),
    row('Consul requests/s, all daemons', (r) => r.idle.requestsPerSecond.toFixed(2)),
    row('Consul requests/s per pool', (r) => (r.idle.requestsPerSecond / r.pools).toFixed(3)),
    row('  of which by kind (per s)', (r) => Object.entries(r.idle.byKind).map(([k, v]) => `${k}: ${v.toFixed(2)}`).join('<br>')),
    row('Consul servers CPU, % of one core (sum of 3)', (r) => `${r.idle.serverCpuPct.toFixed(1)} (${r.idle.serverCpuPctEach.map((c) => c.toFixed(1)).join(' + ')})`),
    row('Consul client agents CPU, % of one core (sum)', (r) => r.idle.agentCpuPct.toFixed(1)),
  ];
  for (const role of ['leader', 'standby'] as const) {
    const cost = (r: ScaleResult) => r.idle.roles.find((c) => c.role === role)!;
    lines.push(
      row(`idle ${role}: daemon RSS MB, median (min-max)`, (r) => range(cost(r).daemonRssMb)),
      row(`idle ${role}: guard RSS MB`, (r) => range(cost(r).guardRssMb)),
      row(`idle ${role}: daemon + guard RSS MB (medians)`, (r) => n1((cost(r).daemonRssMb.median ?? 0) + (cost(r).guardRssMb.median ?? 0))),
      row(`idle ${role}: daemon USS (private) MB`, (r) => range(cost(r).daemonUssMb)),
      row(`idle ${role}: guard USS (private) MB`, (r) => range(cost(r).guardUssMb)),
      row(`idle ${role}: shared MB, daemon / guard (medians)`, (r) => `${n1(cost(r).daemonSharedMb.median)} / ${n1(cost(r).guardSharedMb.median)}`),
      row(`idle ${role}: daemon + guard PSS MB`, (r) => range(cost(r).nodePssMb)),
      row(`**idle ${role}: node total MB** (USS + USS + shared once)`, (r) => `**${range(cost(r).nodeTotalMb)}**`),
      row(`idle ${role}: node total MB, exact (distinct pages, pagemap, root only)`, (r) => range(cost(r).nodeUnionMb)),
      row(`idle ${role}: daemon CPU s per hour`, (r) => range(cost(r).daemonCpuSPerHour)),
      row(`idle ${role}: guard CPU s per hour`, (r) => range(cost(r).guardCpuSPerHour)),
    );
  }
  lines.push(
    row('pool 0 neard SIGKILLs', (r) => `${r.kills.kills}${r.kills.failed ? ` (**${r.kills.failed} without handover**)` : ''}`),
    row('lock handover ms: median / p95', (r) => `${ms(r.kills.handoverMs.median)} / ${ms(r.kills.handoverMs.p95)}`),
    row('lock handover ms: min / max', (r) => `${ms(r.kills.handoverMs.min)} / ${ms(r.kills.handoverMs.max)}`),
  );
  // The headline numbers for README (npm run docs:figures).
  lines.push('', renderFiguresBlock({ commit: run.commit, command: run.command, date: run.date, figures: scaleFigures(rs) }));
  return lines.join('\n');
}
