// The gray bench's trials, each on a fresh pool (gray-pool.ts) whose standbys judge the leader healthy first:
// a move (the leader isolated or mute: from the first duty the chain misses to the first one the new
// validator produces) and a no-move window (a chain stall or a flaky leader: no handover record, the leader
// keeps validating, nobody else starts).
import { setTimeout as sleep } from 'node:timers/promises';
import { setChainFault, setFault } from '../../localnet/neard/harness.js';
import { PRODUCTION_REQUESTER } from '../../machines/production-moves.js';
import { readHandover, type HandoverRecord } from '../../services/pool/handover-record.js';
import { readMembers } from '../../services/pool/member-record.js';
import { ACCOUNT_ID, type Kuutamod } from '../support/kuutamod.js';
import { waitForMembers } from '../support/pool-members.js';
import { untilValue, WaitTimeoutError } from '../support/until.js';
import { dutiesBetween, lossSummary, moveTiming, type MoveTiming } from './gray-measure.js';
import { startGrayPool, type GrayPool, type GrayPoolSettings } from './gray-pool.js';

export type MoveFault = 'isolated' | 'mute';
export type NoMoveFault = 'stall' | 'flaky';

export interface MoveResult {
  fault: MoveFault;
  trial: number;
  from: string;
  /** The standby that produced first after the fault (null: none did). */
  to: string | null;
  timing: MoveTiming | null;
  /** ms from the fault to the first missed duty's block (up to a block interval, or more on a sparse schedule). */
  missAfterFaultMs: number | null;
  /** ms from the first missed duty's block to: the claim (handover record requested), the new neard's validator_start. */
  claimMs: number | null;
  newStartMs: number | null;
  /** ms from the first missed duty's block to the new validator's first produced one: the figure the targets judge. */
  latencyMs: number | null;
  record: string;
  overlaps: number;
  problems: string[];
}

export interface NoMoveResult {
  fault: NoMoveFault;
  /** The observation window as measured (fault to end of observation), ms. */
  windowMs: number;
  /** After a stall: how long the pool was watched after the chain ran again, as measured, ms (0: not watched). */
  aftermathMs: number;
  /** Duties in the window, lost ones, the longest run of lost ones (flaky: 1 in 10, never 2 in a row). */
  loss: { duties: number; lost: number; longestRun: number };
  /** After a stall: ms from `run` until the standby judged the leader healthy again (null: not within the timeout). */
  healthyAgainMs: number | null;
  moves: number;
  overlaps: number;
  problems: string[];
}

const POLL_MS = 250;

/** The validator log's first validator_start by `home` after `afterMs` (wall clock), if any. */
const startAfter = (pool: GrayPool, home: string, afterMs: number): number | null =>
  pool.chainView().periods.filter((p) => p.home === home && p.startMs > afterMs).map((p) => p.startMs).sort((a, b) => a - b)[0] ?? null;

const recordText = (r: HandoverRecord | undefined): string => (r === undefined ? 'none' : `${r.phase} ${r.from} -> ${r.to} (${r.requestedBy})`);

/** One move: fault the leader, wait until a standby produced a duty, read when each step happened. */
export async function moveTrial(settings: GrayPoolSettings, fault: MoveFault, trial: number, moveTimeoutMs: number): Promise<MoveResult> {
  const pool = await startGrayPool(settings);
  const result: MoveResult = { fault, trial, from: pool.leader.nodeId, to: null, timing: null, missAfterFaultMs: null, claimMs: null, newStartMs: null, latencyMs: null, record: 'none', overlaps: 0, problems: [] };
  try {
    await pool.judgedHealthy();
    const struck = setFault(pool.homeOf(pool.leader), fault, pool.validatorLog);
    const found = await untilValue(
      'a standby producing the pool account\'s duties',
      () => {
        const view = pool.chainView();
        const duties = dutiesBetween(view.pool, view.periods, view.faults, struck.t_ms, Date.now());
        for (const standby of pool.standbys) {
          const timing = moveTiming(duties, pool.homeOf(standby));
          if (timing?.firstNew) return { standby, timing };
        }
        return undefined;
      },
      { timeoutMs: moveTimeoutMs, intervalMs: POLL_MS },
    ).catch((error: unknown) => {
      if (error instanceof WaitTimeoutError) return null;
      throw error;
    });
    const record = (await readHandover(pool.consul, ACCOUNT_ID))?.record;
    result.record = recordText(record);
    if (found === null) {
      result.problems.push(`no standby produced within ${moveTimeoutMs / 1000} s of the fault (record: ${result.record})`);
    } else {
      const miss = found.timing.firstMiss.timeMs;
      result.to = found.standby.nodeId;
      result.timing = found.timing;
      result.missAfterFaultMs = miss - struck.t_ms;
      result.latencyMs = found.timing.firstNew!.timeMs - miss;
      result.claimMs = record === undefined ? null : record.requestedAt - miss;
      const started = startAfter(pool, pool.homeOf(found.standby), struck.t_ms);
      result.newStartMs = started === null ? null : started - miss;
      if (record?.requestedBy !== `${PRODUCTION_REQUESTER}${found.standby.nodeId}` || record.from !== pool.leader.nodeId) {
        result.problems.push(`the move was not the standby's production move (record: ${result.record})`);
      }
    }
  } finally {
    result.overlaps = await pool.stop();
  }
  if (result.overlaps > 0) result.problems.push(`${result.overlaps} overlapping validating periods`);
  return result;
}

/**
 * A deliberate observation window: `check` every `intervalMs` until `windowMs` have passed since `fromMs`,
 * or until it names a problem (returned). The window's length is the trial's to state.
 */
async function observe(fromMs: number, windowMs: number, intervalMs: number, check: () => Promise<string | null>): Promise<string | null> {
  for (;;) {
    const problem = await check();
    if (problem !== null || Date.now() >= fromMs + windowMs) return problem;
    await sleep(Math.min(intervalMs, Math.max(0, fromMs + windowMs - Date.now())));
  }
}

/** A move would show here: a handover record, the leader out of Validating, another home validating. */
async function moveSeen(pool: GrayPool, leader: Kuutamod, sinceMs: number): Promise<string | null> {
  const record = (await readHandover(pool.consul, ACCOUNT_ID))?.record;
  if (record !== undefined) return `a handover record was written: ${recordText(record)}`;
  const state = await leader.state().catch(() => null);
  if (state !== null && state.state !== 'Validating') return `the leader left Validating (${state.state})`;
  const other = pool.chainView().periods.find((p) => p.home !== pool.homeOf(leader) && p.startMs > sinceMs);
  return other === undefined ? null : `${other.home} started validating`;
}

/**
 * One no-move window: the chain stalled or the leader flaky, for `windowMs`. After a stall the chain runs again
 * and the pool is watched `aftermathMs` more: a standby's own head rate is measured over 20 s
 * (machines/production-view.ts), so the stall weighs on its judgement after it ended.
 */
export async function noMoveTrial(settings: GrayPoolSettings, fault: NoMoveFault, windowMs: number, aftermathMs: number, readyTimeoutMs: number): Promise<NoMoveResult> {
  const pool = await startGrayPool(settings);
  const result: NoMoveResult = { fault, windowMs: 0, aftermathMs: 0, loss: { duties: 0, lost: 0, longestRun: 0 }, healthyAgainMs: null, moves: 0, overlaps: 0, problems: [] };
  try {
    await pool.judgedHealthy();
    const struck = fault === 'stall' ? setChainFault('stall', pool.validatorLog) : setFault(pool.homeOf(pool.leader), 'flaky', pool.validatorLog);
    let problem = await observe(struck.t_ms, windowMs, 1_000, () => moveSeen(pool, pool.leader, struck.t_ms));
    const windowEnd = Date.now();
    result.windowMs = windowEnd - struck.t_ms;
    if (fault === 'stall' && problem === null) {
      const run = setChainFault('run', pool.validatorLog);
      const ids = pool.standbys.map((s) => s.nodeId);
      const healthyAgain = async () => {
        const members = (await readMembers(pool.consul, ACCOUNT_ID)).members;
        if (result.healthyAgainMs === null && ids.every((id) => members.some((m) => m.nodeId === id && m.publishedAt > run.t_ms && m.production?.verdict === 'healthy'))) {
          result.healthyAgainMs = Date.now() - run.t_ms;
        }
      };
      problem = await observe(run.t_ms, aftermathMs, 1_000, async () => {
        await healthyAgain();
        return moveSeen(pool, pool.leader, struck.t_ms);
      });
      result.aftermathMs = Date.now() - run.t_ms;
      if (problem === null && result.healthyAgainMs === null) {
        // Not yet judged healthy again (records every 15 s at the defaults): wait for it, then look once more.
        await waitForMembers(pool.consul, (ms) => ids.every((id) => ms.some((m) => m.nodeId === id && m.publishedAt > run.t_ms && m.production?.verdict === 'healthy')), 'the standbys judging the leader healthy after the stall', readyTimeoutMs)
          .then(() => (result.healthyAgainMs = Date.now() - run.t_ms))
          .catch((error: unknown) => {
            if (!(error instanceof WaitTimeoutError)) throw error;
            result.problems.push(`the standbys did not judge the leader healthy within ${readyTimeoutMs / 1000} s after the stall`);
          });
        problem = await moveSeen(pool, pool.leader, struck.t_ms);
      }
    }
    const view = pool.chainView();
    result.loss = lossSummary(dutiesBetween(view.pool, view.periods, view.faults, struck.t_ms, windowEnd));
    if (problem !== null) {
      result.moves = 1;
      result.problems.push(problem);
    }
  } finally {
    result.overlaps = await pool.stop();
  }
  if (result.overlaps > 0) result.problems.push(`${result.overlaps} overlapping validating periods`);
  return result;
}
