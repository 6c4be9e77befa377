// The Consul load bench's figures, from what a run collected (pure, unit-tested in
// consul-load-figures.test.ts): the workers' request logs merged into rates and latency percentiles by
// kind, and the notes that say where a run was limited by this machine rather than by Consul.
import type { Stats } from '../chaos/checker.js';
import { isWatchCycle, watchStormLimit, type ExpectedLoad } from './consul-load-plan.js';
import type { WorkerSample } from './consul-load-protocol.js';
import type { TelemetrySummary } from './consul-telemetry.js';
import { mergeRequestLogs, overallLatency } from './request-log.js';

export interface KindFigures {
  kind: string;
  perS: number;
  failed: number;
  blocking: boolean;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface RequestFigures {
  byKind: KindFigures[];
  /** The steady requests per second: every kind but the watch cycle's (consul-load-plan.ts). */
  perS: number;
  /** The watch cycle's requests per second: blocking queries sent, handover reads after their answers. */
  watchPerS: number;
  /** Blocking queries sent in the window, and held open at its end. */
  blockingSent: number;
  blockingOpen: number;
  failed: number;
  /** Latency of every answered request but blocking queries. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Requests counted, all kinds (blocking ones included). */
  count: number;
}

/** Requests of every worker over a window of `windowS` seconds, by kind, busiest kind first. */
export function requestFigures(samples: readonly WorkerSample[], windowS: number): RequestFigures {
  const merged = mergeRequestLogs(samples.map((s) => s.requests));
  const byKind = [...merged].map(([kind, { ok, failed, blocking, latency }]) => ({
    kind,
    perS: (ok + failed) / windowS,
    failed,
    blocking,
    p50Ms: latency.percentile(50),
    p99Ms: latency.percentile(99),
    maxMs: latency.count === 0 ? null : latency.max,
  }));
  byKind.sort((a, b) => b.perS - a.perS || a.kind.localeCompare(b.kind));
  const all = overallLatency(merged);
  const count = [...merged.values()].reduce((n, k) => n + k.ok + k.failed, 0);
  const rate = (keep: (k: KindFigures) => boolean) => byKind.filter(keep).reduce((a, k) => a + k.perS, 0);
  return {
    byKind,
    perS: rate((k) => !isWatchCycle(k.kind)),
    watchPerS: rate((k) => isWatchCycle(k.kind)),
    blockingSent: Math.round(rate((k) => k.blocking) * windowS),
    blockingOpen: samples.reduce((n, s) => n + Object.values(s.blockingOpen).reduce((a, b) => a + b, 0), 0),
    failed: byKind.reduce((n, k) => n + k.failed, 0),
    p50Ms: all.percentile(50),
    p99Ms: all.percentile(99),
    maxMs: all.count === 0 ? null : all.max,
    count,
  };
}

/** A process measured from /proc over the window. */
export interface ProcessFigures {
  name: string;
  /** CPU over the window, % of one core. */
  cpuPct: number;
  /** Resident memory at the end of the window and the highest the process ever had (VmHWM), MB. */
  rssMb: number | null;
  peakRssMb: number | null;
}

export interface LoadMeasure {
  pools: number;
  daemonsPerPool: number;
  /** The simulated daemons talked to: the servers' HTTP APIs, or K client agents. */
  transport: string;
  windowS: number;
  /** How long Consul holds a blocking query of the daemons (lockWatchWaitMs). */
  watchWaitMs: number;
  /** Generator start until every simulated pool had its leader (null: not within the wait). */
  establishedS: number | null;
  /** Over the workers, at the end of the window. */
  daemons: number;
  started: number;
  poolsWithLeader: number;
  poolsWithTwoLeaders: number;
  requests: RequestFigures;
  expected: ExpectedLoad;
  consulErrors: Record<string, number>;
  /** Raft log entries committed per second: the leader's commit_index over the window. */
  commitIndexPerS: number | null;
  telemetry: TelemetrySummary;
  /** The raft leader changed during the window (its figures then mix two leaders). */
  leaderChanged: boolean;
  servers: Array<ProcessFigures & { leader: boolean }>;
  agents: ProcessFigures[];
  generator: ProcessFigures[];
  /** The workers' event-loop delay over the window: the highest p99 and max of any worker, ms. */
  generatorLoopP99Ms: number;
  generatorLoopMaxMs: number;
  /** The harness process itself (it times the real pool's handover). */
  harness: ProcessFigures;
  /** All cores, % busy over the window, and the 1-minute load average at its start and end. */
  machineBusyPct: number | null;
  load: [number, number];
}

export interface HandoverFigures {
  kills: number;
  /** ms from the SIGKILL of the real leader's neard until Consul's key names the standby's session. */
  handoverMs: Stats;
  failed: number;
}

export interface LoadResult {
  pools: number;
  measure: LoadMeasure | null;
  handover: HandoverFigures | null;
  /** Why the run at this N stopped early, if it did. */
  broke: string | null;
}

/** A generator process above this share of one core is CPU-bound: it may fall behind the daemons' pace. */
export const GENERATOR_CPU_LIMIT_PCT = 80;
/** Event-loop delay above this means latencies include waiting in the generator, not only in Consul. */
export const LOOP_DELAY_LIMIT_MS = 50;
/** The whole machine above this is saturated: every figure includes waiting for a core. */
export const MACHINE_BUSY_LIMIT_PCT = 90;
/** Requests below this share of the expected rate: the generator did not keep the daemons' pace. */
export const RATE_SHORTFALL = 0.9;
/** Blocking queries held open below this share of the expected: watches are failing or not re-armed. */
export const WATCHES_OPEN_SHARE = 0.95;
/** The rate is judged only over a window of two of the longest periods (the 30 s fallback poll and member renewal) or more. */
export const RATE_JUDGED_FROM_S = 60;

/** Where this machine, not Consul, limited the run; empty when nothing did. */
export function limitNotes(m: LoadMeasure): string[] {
  const notes: string[] = [];
  const busy = m.generator.filter((g) => g.cpuPct > GENERATOR_CPU_LIMIT_PCT);
  if (busy.length > 0) notes.push(`generator CPU-bound: ${busy.map((g) => `${g.name} ${g.cpuPct.toFixed(0)} %`).join(', ')} of a core (limit ${GENERATOR_CPU_LIMIT_PCT} %)`);
  if (m.generatorLoopP99Ms > LOOP_DELAY_LIMIT_MS) notes.push(`generator event loop delayed (p99 ${m.generatorLoopP99Ms.toFixed(0)} ms, max ${m.generatorLoopMaxMs.toFixed(0)} ms): latencies include waiting in the generator`);
  if (m.machineBusyPct !== null && m.machineBusyPct > MACHINE_BUSY_LIMIT_PCT) notes.push(`machine saturated: all cores ${m.machineBusyPct.toFixed(0)} % busy, so every figure includes waiting for a core`);
  if (m.windowS >= RATE_JUDGED_FROM_S && m.requests.perS < RATE_SHORTFALL * m.expected.total) {
    notes.push(`generator fell behind: ${m.requests.perS.toFixed(1)} requests/s against ${m.expected.total.toFixed(1)} expected at the daemons' timings`);
  }
  const stormLimit = watchStormLimit(m.expected.heldOpenTotal, m.windowS, m.watchWaitMs);
  if (m.requests.blockingSent > stormLimit) {
    notes.push(`blocking queries woke up early: ${m.requests.blockingSent} sent in the window, at most ${stormLimit} if each waited its ${m.watchWaitMs / 1000} s (a watch on a missing key? docs/scale.md)`);
  }
  if (m.requests.blockingOpen < WATCHES_OPEN_SHARE * m.expected.heldOpenTotal) {
    notes.push(`only ${m.requests.blockingOpen} blocking queries held open at the end, of ${m.expected.heldOpenTotal} expected`);
  }
  if (m.establishedS === null) notes.push(`not every pool elected a leader: ${m.poolsWithLeader} of ${m.pools} had one at the end of the window`);
  if (m.started < m.daemons) notes.push(`only ${m.started} of ${m.daemons} simulated daemons had started`);
  if (m.poolsWithTwoLeaders > 0) notes.push(`${m.poolsWithTwoLeaders} simulated pools had two leaders at once: a generator bug or a Consul fault`);
  if (m.requests.failed > 0) notes.push(`${m.requests.failed} requests failed (${Object.entries(m.consulErrors).map(([op, n]) => `${op}: ${n}`).join(', ') || 'no actor reported one'})`);
  if (m.leaderChanged) notes.push('the raft leader changed during the window');
  return notes;
}
