/**
 * What this node knows of block production (issue 17), pure: the facts the production watch gathers (its own
 * neard's head and counts, the leader's published head) and the judgements made from them. A standby judges
 * the leader with its own view (standbyVerdict, on judgeProduction in production-rules.ts); a leader its own
 * production and, after a takeover, its first duties (leaderReport). The watch (src/production-watch.ts)
 * reports the results to the chart, which decides. All times are wall-clock ms, as the members'
 * `publishedAt` (judgements only: nothing here bears on the lock's safety).
 */
import type { ProductionEvent } from './failover-events.js';
import { missCount, type CountsReading } from './production-counts.js';
import { judgeProduction, type ProductionThresholds, type ProductionVerdict } from './production-rules.js';

export interface ProductionRule extends ProductionThresholds {
  /** --production-hold: a node that lost the role for not producing is not eligible for this long, and no other production move happens meanwhile. */
  holdMs: number;
  /** --no-production-failover: judge and report, but never ask for a move. */
  movesEnabled: boolean;
}

export const DEFAULT_PRODUCTION_RULE: Omit<ProductionRule, keyof ProductionThresholds> = { holdMs: 1_800_000, movesEnabled: true };

/** One /status head of this node's neard. */
export interface HeadSample {
  at: number;
  height: number;
}

/** The leader as this node last read it from the pool: its record's head, and since when it leads. */
export interface LeaderHead {
  nodeId: string;
  height: number | null;
  publishedAt: number;
  /** When this node first saw this leader lead (its grace counts from there). */
  since: number;
}

/** After this node took the role: is its neard producing its first scheduled blocks or chunks? */
export type TakeoverCheck =
  /** `fromHeight`: this node's head when it took the role (null: none known); no baseline below it + TAKEOVER_HEAD_MARGIN. */
  | { result: 'checking'; since: number; fromHeight: number | null; baseline: CountsReading | null }
  | { result: 'producing'; since: number; height: number | null; detail: string }
  /** Duties came and went, none produced. */
  | { result: 'not-producing'; since: number; detail: string }
  /** No duty fell due (or no counts could be read) within the grace: nothing proven either way. */
  | { result: 'unconfirmed'; since: number; detail: string };

export interface ProductionView {
  /** This node's neard's counts for the pool's account, oldest first (the last MAX_READINGS). */
  readings: readonly CountsReading[];
  /** Why the counts cannot be read (older neard, errors, garbage): the miss signal is off. null: readable. */
  countsProblem: string | null;
  /** This node's heads over the last RATE_WINDOW_MS, oldest first. */
  heads: readonly HeadSample[];
  /**
   * When this node's head last moved again after standing still for OWN_ADVANCE_MS or more (a halted chain
   * running again, a cut healed): until a whole RATE_WINDOW_MS has passed since, its rate still holds the
   * stop and would turn a leader's few blocks of lag into many seconds (chaos finding 6).
   */
  resumedAt: number | null;
  leader: LeaderHead | null;
  /** This node's judgement of the leader (a standby's; a leader keeps 'cannot-judge'). */
  verdict: ProductionVerdict;
  takeover: TakeoverCheck | null;
}

export const MAX_READINGS = 120;
/** Own head rate over this window: short, so a standby whose own head stops is soon no judge. */
export const RATE_WINDOW_MS = 20_000;
/** A judging node's own head must have advanced this recently. */
export const OWN_ADVANCE_MS = 10_000;

/**
 * The old leader's last blocks lie at or a little above the head this node had when it took the role (a
 * synced standby can trail the network by a block or two): counts read at a head below that head plus this
 * margin may still grow with them, as a restarted neard catches up.
 */
export const TAKEOVER_HEAD_MARGIN = 2;

export const initialProductionView: ProductionView = {
  readings: [],
  countsProblem: null,
  heads: [],
  resumedAt: null,
  leader: null,
  verdict: { verdict: 'cannot-judge', reason: 'no leader' },
  takeover: null,
};

export function withReading(view: ProductionView, reading: CountsReading): ProductionView {
  return { ...view, readings: [...view.readings, reading].slice(-MAX_READINGS), countsProblem: null };
}

export function withHead(view: ProductionView, sample: HeadSample): ProductionView {
  const last = view.heads.at(-1);
  // A lower head is another neard (a restart onto older data): start over.
  const kept = last !== undefined && sample.height < last.height ? [] : view.heads.filter((h) => sample.at - h.at <= RATE_WINDOW_MS);
  const reachedLast = last === undefined ? null : view.heads.find((h) => h.height === last.height)!.at;
  const resumed = last !== undefined && sample.height > last.height && sample.at - reachedLast! >= OWN_ADVANCE_MS;
  return { ...view, heads: [...kept, sample], resumedAt: resumed ? sample.at : view.resumedAt };
}

/** The leader from a pool read; `since` is kept while the same node leads. */
export function withLeader(view: ProductionView, leader: Omit<LeaderHead, 'since'> | null, now: number): ProductionView {
  if (leader === null) return { ...view, leader: null };
  const since = view.leader?.nodeId === leader.nodeId ? view.leader.since : now;
  return { ...view, leader: { ...leader, since } };
}

/** This node's head rate (blocks/s over the window), null until the samples span 5 s; 0 when its head stopped lately. */
export function ownHeadRate(view: ProductionView, now: number): number | null {
  const first = view.heads[0];
  const last = view.heads.at(-1);
  if (first === undefined || last === undefined || last.at - first.at < 5_000) return null;
  if (view.resumedAt !== null && now - view.resumedAt < RATE_WINDOW_MS) return null;
  const lastAdvance = [...view.heads].reverse().find((h) => h.height < last.height);
  // The newest sample at the current height that followed a lower one: when the head last moved.
  const movedAt = lastAdvance === undefined ? first.at : view.heads[view.heads.indexOf(lastAdvance) + 1]!.at;
  if (now - movedAt > OWN_ADVANCE_MS) return 0;
  return ((last.height - first.height) * 1_000) / (last.at - first.at);
}

/**
 * This node, a standby in the election, judges the leader with its own view: its current head and rate, its
 * neard's counts. `eligible`: it could contend now (the chart asks only in Contending or Yielding).
 */
export function standbyVerdict(view: ProductionView, rule: ProductionThresholds, now: number): ProductionVerdict {
  const { leader } = view;
  const own = view.heads.at(-1);
  if (leader === null) return { verdict: 'cannot-judge', reason: 'no leader' };
  const verdict = judgeProduction(
    {
      now,
      leader: { height: leader.height, headRate: null, publishedAt: leader.publishedAt },
      leaderSince: leader.since,
      standbys: [{ nodeId: 'self', eligible: true, height: own?.height ?? null, headRate: ownHeadRate(view, now), publishedAt: now, counts: view.countsProblem === null ? view.readings : [] }],
    },
    rule,
  );
  // The only standby view is this node's own: "no healthy standby" and "whole chain stalled" mean its own head.
  if (verdict.verdict === 'cannot-judge' && (verdict.reason === 'no healthy standby' || verdict.reason === 'whole chain stalled')) {
    return { verdict: 'cannot-judge', reason: 'own head not moving' };
  }
  return verdict;
}

export function withVerdict(view: ProductionView, verdict: ProductionVerdict): ProductionView {
  return { ...view, verdict };
}

const producedOf = (r: CountsReading): number => r.producedBlocks + r.producedChunks;
const expectedOf = (r: CountsReading): number => r.expectedBlocks + r.expectedChunks;

/**
 * The check after a takeover, advanced by a new fact: producing once the counts show a duty produced after
 * the takeover; not producing once `consecutiveMisses` duties fell due and none was produced; unconfirmed when
 * the grace ends first. A new epoch or a count going down restarts the baseline.
 */
export function takeoverCheckOf(check: TakeoverCheck, view: ProductionView, rule: ProductionThresholds, now: number, height: number | null, validating = true): TakeoverCheck {
  if (check.result !== 'checking') return check;
  const latest = view.readings.at(-1);
  const baseline = check.baseline;
  // Counts before the node's neard validates and is synced, past the head it took the role at, include the old
  // leader's last blocks (a restarted neard catching up counts them as it goes) and the handover's gap:
  // neither is this node's doing.
  const pastTakeoverHead = check.fromHeight === null || (height !== null && height >= check.fromHeight + TAKEOVER_HEAD_MARGIN);
  if (latest !== undefined && latest.at >= check.since && ((validating && pastTakeoverHead) || baseline !== null)) {
    if (baseline === null || latest.epochStartHeight !== baseline.epochStartHeight || producedOf(latest) < producedOf(baseline) || expectedOf(latest) < expectedOf(baseline)) {
      return { ...check, baseline: latest };
    }
    if (producedOf(latest) > producedOf(baseline)) {
      return { result: 'producing', since: check.since, height, detail: `validating and producing${height === null ? '' : `: block #${height}`}` };
    }
    const missed = expectedOf(latest) - expectedOf(baseline);
    if (missed >= rule.consecutiveMisses) {
      return { result: 'not-producing', since: check.since, detail: `${missed} blocks and chunks due since the takeover, none produced` };
    }
  }
  if (now - check.since >= rule.graceMs) {
    const why = view.countsProblem ?? (baseline === null ? 'no counts read' : 'no block or chunk fell due');
    return { result: 'unconfirmed', since: check.since, detail: `not confirmed within ${Math.round(rule.graceMs / 1000)} s (${why})` };
  }
  return check;
}

/** The leader's own production: a run of misses as long as the rule in its own counts, or its own head stopped. */
export function ownDegradation(view: ProductionView, rule: ProductionThresholds, now: number): string | null {
  if (ownHeadRate(view, now) === 0) return `own head has not moved for over ${OWN_ADVANCE_MS / 1_000} s (cut off from peers, or the whole chain halted)`;
  const count = missCount(view.readings, view.takeover?.since ?? 0);
  if (count.kind !== 'run') return null;
  const run = count.blocks.missed >= count.chunks.missed ? count.blocks : count.chunks;
  return run.missed >= rule.consecutiveMisses ? `own counts show ${run.missed} expected ${run.kind} in a row not produced` : null;
}

/** The latest counts show a duty produced since the reading before. */
function producedLately(view: ProductionView): boolean {
  const [before, latest] = view.readings.slice(-2);
  return before !== undefined && latest !== undefined && producedOf(latest) > producedOf(before);
}

/**
 * What the leader reports (OWN_PRODUCTION): checking until the takeover check ends, then degraded or
 * producing. `view.takeover` must be set (startTakeover) when the node took the role.
 */
export function leaderReport(view: ProductionView, rule: ProductionThresholds, now: number): Extract<ProductionEvent, { type: 'OWN_PRODUCTION' }> {
  const check = view.takeover;
  const takeover = check === null || check.result === 'checking' ? null : { result: check.result, detail: check.detail };
  const degraded = ownDegradation(view, rule, now);
  const base = { type: 'OWN_PRODUCTION' as const, takeover, countsProblem: view.countsProblem };
  if (check?.result === 'not-producing') return { ...base, health: 'degraded', detail: check.detail };
  if (degraded !== null) return { ...base, health: 'degraded', detail: degraded };
  if (check?.result === 'producing' || producedLately(view)) return { ...base, health: 'producing', detail: 'producing' };
  return { ...base, health: check?.result === 'checking' ? 'checking' : 'producing', detail: check?.result === 'checking' ? 'waiting for its first block or chunk' : 'no miss seen' };
}

/** The node took the role at `now`: the check of its first duties starts, and it judges no leader. */
export function startTakeover(view: ProductionView, now: number, fromHeight: number | null = null): ProductionView {
  return { ...view, leader: null, verdict: initialProductionView.verdict, takeover: { result: 'checking', since: now, fromHeight, baseline: null } };
}

/**
 * Advance the takeover check with the latest facts (the watch calls it after every poll while leading).
 * `validating`: this node's neard was reported started with the key and says it is synced; no baseline is
 * taken before.
 */
export function withTakeoverChecked(view: ProductionView, rule: ProductionThresholds, now: number, height: number | null, validating: boolean): ProductionView {
  return view.takeover === null ? view : { ...view, takeover: takeoverCheckOf(view.takeover, view, rule, now, height, validating) };
}
