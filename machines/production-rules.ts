/**
 * "The chain is the judge" (issue 17), pure: is the leader producing, judged by what the healthy standbys
 * see, not by whether its neard runs? Two signals, each enough alone: (a) the leader's head stalls while a
 * standby's head advances, (b) the chain's counts, read by the standbys on their own neard, show consecutive
 * expected blocks or chunks not produced (production-counts.ts). Each standby judges with its own view
 * (production-view.ts) and, when the verdict is failing, asks the leader to hand the role over (voting.ts).
 * Defaults argued in docs/failover-algorithm.md ("Production health").
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
 * Defaults (docs/failover-algorithm.md, "Production health"): about one block a second on mainnet, kick-out
 * below 80% of expected blocks or chunks.
 * - stallMs 15 s: the leader's head is projected at the judging standby's own rate from its last record, so
 *   a leader that stopped falls behind block by block from the moment it stopped, however old its record:
 *   15 s is 15 blocks behind, far beyond a healthy node's propagation delay (under a second), and 15
 *   missed heights are under 0.2% of the 20% (8,640 blocks) a 43,200-block epoch tolerates.
 * - noiseBlocks 3: a healthy leader's projected head trails by a block or two (rounding, propagation).
 * - consecutiveMisses 5: a healthy node missing one in ten misses 5 in a row with odds 1e-5 per start; a
 *   cut-off node misses all, so at worst 5 of its seats (minutes for a seat due every few dozen heights).
 * - graceMs 120 s: a promoted neard reloads its key and reconnects; misses in that time are the takeover's.
 */
export const DEFAULT_PRODUCTION_THRESHOLDS: ProductionThresholds = {
  stallMs: 15_000,
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
/**
 * Why no verdict. 'no leader' and 'own head not moving' are a judging standby's own words (production-view.ts):
 * it knows no leader record, or its own head has not moved lately (it may be the one cut off, or the chain
 * halted), where the pool-wide rule says 'no healthy standby' or 'whole chain stalled'.
 */
export type CannotJudgeReason = 'whole chain stalled' | 'no healthy standby' | 'in grace' | 'counts reset' | 'no leader' | 'own head not moving';

export type ProductionVerdict =
  | { verdict: 'healthy' }
  | { verdict: 'suspect'; reason: FailReason; forMs: number; detail: string }
  | { verdict: 'failing'; reason: FailReason; forMs: number; detail: string }
  | { verdict: 'cannot-judge'; reason: CannotJudgeReason };

type Signal = { reason: FailReason; forMs: number; failing: boolean; detail: string } | null;

/** A standby whose own neard follows a live chain: eligible, head known and advancing. */
const isHealthy = (s: StandbyView): boolean => s.eligible && s.height !== null && s.headRate !== null && s.headRate > 0;

/**
 * Signal (a): how far the leader trails the best healthy head at `now`, turned into time at that standby's
 * rate. The leader's published head is projected at the STANDBY's rate, the chain's pace: where it would be
 * had it kept up. Its own published rate would hide a stall for up to a minute (it falls with its window),
 * and a stale record costs nothing this way. A whole chain that stops stops the standby's head too, which
 * then trails the projection: no lag.
 */
function headSignal(leader: HeadReading, healthy: readonly StandbyView[], rule: ProductionThresholds, now: number): Signal {
  if (leader.height === null) return null;
  let best: { head: number; rate: number } | null = null;
  for (const s of healthy) {
    const head = projectedHeight(s, now)!;
    if (best === null || head > best.head) best = { head, rate: s.headRate! };
  }
  if (best === null) return null;
  const leaderHead = projectedHeight({ ...leader, headRate: best.rate }, now)!;
  const lag = best.head - leaderHead;
  if (lag <= rule.noiseBlocks) return null;
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
