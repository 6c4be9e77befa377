/**
 * "The chain is the judge" (issue 17), pure: is the leader producing, judged by what the healthy standbys
 * see, not by whether its neard runs? Two signals, each enough alone: (a) the leader's head stalls while a
 * standby's head advances (heads projected to the same moment, pool-rules.ts), (b) the chain's counts, read
 * by the standbys on their own neard, show consecutive expected blocks or chunks not produced
 * (production-counts.ts). Not wired into the chart yet; defaults argued in docs/failover-algorithm.md
 * ("Production health").
 */
import { projectedHeight, type HeadReading } from './pool-rules.js';
import { missCount, type CountsReading, type MissRun } from './production-counts.js';

export interface ProductionThresholds {
  /** How long the leader's head may stand still while a healthy standby's advances. */
  stallMs: number;
  /** Blocks a leader's head may trail the best standby's (propagation, projection rounding) before it counts as stalling. */
  noiseBlocks: number;
  /** Expected blocks (or chunks) in a row not produced: expected ones, not heights (a small seat is due rarely). */
  consecutiveMisses: number;
  /** After the leader starts validating, no judgement: it connects, catches up, and its head rate settles. */
  graceMs: number;
}

/**
 * Defaults (docs/failover-algorithm.md, "Production health"): about one block a second on mainnet, member
 * records every 15 s, head rates over one minute, kick-out below 80% of expected blocks or chunks.
 * - stallMs 60 s: four publish intervals, so the stall shows in several records of both sides, and long
 *   enough that the leader's one-minute head rate has fallen to 0; ~60 missed heights, under 1% of the 20%
 *   (8,640 blocks) a 43,200-block epoch tolerates.
 * - noiseBlocks 3: heads read 15 s apart and projected with Math.floor trail by a block or two when healthy.
 * - consecutiveMisses 5: a healthy node missing one in ten misses 5 in a row with odds 1e-5 per start; a
 *   cut-off node misses all, so at worst 5 of its seats (minutes for a seat due every few dozen heights).
 * - graceMs 120 s: a promoted neard reloads its key and reconnects, and its head rate needs one minute of
 *   its own plus two publish intervals before its records say anything about it.
 */
export const DEFAULT_PRODUCTION_THRESHOLDS: ProductionThresholds = {
  stallMs: 60_000,
  noiseBlocks: 3,
  consecutiveMisses: 5,
  graceMs: 120_000,
};

/** A standby as the judging node sees it: its published head, its own judgement, and its neard's counts. */
export interface StandbyView extends HeadReading {
  nodeId: string;
  /** Eligible by the pool's policy (eligibilityOf), as it last published it; the judging node's own, current. */
  eligible: boolean;
  /** Its neard's counts for the pool's account, oldest first ([] when it has none: not a current validator, no RPC). */
  counts: readonly CountsReading[];
}

export interface ProductionFacts {
  /** Local ms: the clock of `counts[].at` and, as in pool-rules.ts, of `publishedAt`. */
  now: number;
  /** The leader's published head. */
  leader: HeadReading;
  /** Local ms when the current leader began validating (promotion or its neard's restart). */
  leaderSince: number;
  /** Live standbys (liveness is the caller's: member-liveness.ts); the judging node with its own measured rate. */
  standbys: readonly StandbyView[];
}

export type FailReason = 'head stalled' | 'blocks missed';
export type CannotJudgeReason = 'whole chain stalled' | 'no healthy standby' | 'in grace' | 'counts reset';

export type ProductionVerdict =
  | { verdict: 'healthy' }
  | { verdict: 'suspect'; reason: FailReason; forMs: number; detail: string }
  | { verdict: 'failing'; reason: FailReason; forMs: number; detail: string }
  | { verdict: 'cannot-judge'; reason: CannotJudgeReason };

type Signal = { reason: FailReason; forMs: number; failing: boolean; detail: string } | null;

/** A standby whose own neard follows a live chain: eligible, head known and advancing. */
const isHealthy = (s: StandbyView): boolean => s.eligible && s.height !== null && s.headRate !== null && s.headRate > 0;

/**
 * Signal (a): how far the leader trails the best healthy head, both projected to `now`, turned into time at
 * that standby's rate. A whole chain that stops stops every head alike, so it shows no lag.
 */
function headSignal(leader: HeadReading, healthy: readonly StandbyView[], rule: ProductionThresholds, now: number): Signal {
  const leaderHead = projectedHeight(leader, now);
  if (leaderHead === null) return null;
  let best: { head: number; rate: number } | null = null;
  for (const s of healthy) {
    const head = projectedHeight(s, now)!;
    if (best === null || head > best.head) best = { head, rate: s.headRate! };
  }
  const lag = best === null ? 0 : best.head - leaderHead;
  if (best === null || lag <= rule.noiseBlocks) return null;
  const forMs = Math.round((lag / best.rate) * 1_000);
  return { reason: 'head stalled', forMs, failing: forMs >= rule.stallMs, detail: `leader ${lag} blocks behind the best standby head` };
}

/** Signal (b): the longest run of misses any healthy standby's counts show; 'reset' when none can compare yet. */
function missSignal(healthy: readonly StandbyView[], rule: ProductionThresholds, from: number, now: number): Signal | 'reset' {
  let longest: MissRun | null = null;
  let resets = 0;
  let runs = 0;
  for (const s of healthy) {
    const count = missCount(s.counts, from);
    if (count.kind === 'reset') resets++;
    if (count.kind !== 'run') continue;
    runs++;
    for (const run of [count.blocks, count.chunks]) if (longest === null || run.missed > longest.missed) longest = run;
  }
  if (runs === 0) return resets > 0 ? 'reset' : null;
  if (longest === null || longest.missed === 0) return null;
  const detail = `${longest.missed} expected ${longest.kind} in a row not produced`;
  return { reason: 'blocks missed', forMs: now - longest.since, failing: longest.missed >= rule.consecutiveMisses, detail };
}

/**
 * The verdict. No move (cannot-judge) in the grace after a start, without a healthy eligible standby, when
 * every head stopped, or when the counts just restarted and the head says nothing. Either signal alone can
 * say failing; otherwise the longer-lasting suspicion is reported.
 */
export function judgeProduction(facts: ProductionFacts, rule: ProductionThresholds = DEFAULT_PRODUCTION_THRESHOLDS): ProductionVerdict {
  const { now, leader, leaderSince, standbys } = facts;
  if (now < leaderSince + rule.graceMs) return { verdict: 'cannot-judge', reason: 'in grace' };
  const eligible = standbys.filter((s) => s.eligible && s.height !== null && s.headRate !== null);
  if (eligible.length === 0) return { verdict: 'cannot-judge', reason: 'no healthy standby' };
  const healthy = eligible.filter(isHealthy);
  if (healthy.length === 0) {
    // Nobody eligible sees the chain move: if the leader's does, the standbys are the ones cut off.
    return { verdict: 'cannot-judge', reason: leader.headRate !== null && leader.headRate > 0 ? 'no healthy standby' : 'whole chain stalled' };
  }
  const head = headSignal(leader, healthy, rule, now);
  const misses = missSignal(healthy, rule, leaderSince + rule.graceMs, now);
  const signals = [head, misses === 'reset' ? null : misses].filter((s): s is NonNullable<Signal> => s !== null);
  const failing = signals.find((s) => s.failing);
  if (failing) return { verdict: 'failing', reason: failing.reason, forMs: failing.forMs, detail: failing.detail };
  const suspect = signals.sort((a, b) => b.forMs - a.forMs)[0];
  if (suspect) return { verdict: 'suspect', reason: suspect.reason, forMs: suspect.forMs, detail: suspect.detail };
  if (misses === 'reset') return { verdict: 'cannot-judge', reason: 'counts reset' };
  return { verdict: 'healthy' };
}
