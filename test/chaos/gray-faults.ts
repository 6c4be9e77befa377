// Issue 17's gray failures as chaos faults: the leader runs and looks healthy but produces nothing (cut off
// from its peers, or its traffic lost), and must be moved to a healthy standby by the standbys' production
// check; a halted chain or a flaky leader must move nothing. Switched through the stand-in's fault file
// (standin-fault.ts); the daemons run with production flags suited to the chaos timings (GRAY_PRODUCTION).
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosNode } from './cluster.js';
import type { Fault, FaultContext, InjectedFault } from './faults.js';
import { noMoveSettled, productionMoveSettled, waitJudgedHealthy, waitVerdict } from './gray-pool.js';
import { setChainState, setHomeFault } from './standin-fault.js';
import { GRAY_PRODUCTION, grayProductionFlags } from './timings.js';

export type GrayFaultId = 'gray-isolated-leader' | 'gray-mute-leader' | 'gray-isolated-standby-then-leader' | 'gray-chain-stall' | 'gray-flaky-leader';

/** Longer than --production-stall (15 s) and than the 10 s after which a standby whose own head stopped stops judging. */
const STALL_WINDOW_MS = 20_000;
/**
 * After the chain runs again nothing may move either: a standby's own head rate is measured over 20 s
 * (RATE_WINDOW_MS in machines/production-view.ts), so for that long the stall still weighs on its judgement;
 * the window after the run covers it and a few of the leader's records.
 */
const STALL_AFTERMATH_MS = 25_000;
/** 150 duties at one per 200 ms block: 15 lost, never two in a row. */
const FLAKY_WINDOW_MS = 30_000;
/**
 * A move: the miss rule (5 blocks, 1 s) seen within two check intervals, the claim, and a switchover --now
 * (the leader's neard restarts without the key, the standby's with it): a few seconds; 20 s leaves room.
 */
const MOVE_BOUND_MS = 20_000;
const NO_MOVE_SLACK_MS = 5_000;

const standbysOf = (ctx: FaultContext): ChaosNode[] => ctx.world.nodes.filter((n) => n !== ctx.leader);
const heal = (nodes: readonly ChaosNode[], log: string) => async () => {
  for (const node of nodes) await setHomeFault(node.home.home, 'none', log);
};

/** The leader isolated or mute once every standby judges it healthy; healed once a new validator is up. */
async function leaderFault(ctx: FaultContext, fault: 'isolated' | 'mute'): Promise<InjectedFault> {
  const standbys = standbysOf(ctx);
  const log = ctx.world.recorder.path;
  const beforeId = await waitJudgedHealthy(ctx.world, ctx.leader, standbys);
  const struck = await setHomeFault(ctx.leader.home.home, fault, log);
  return {
    heal: heal([ctx.leader], log),
    healAt: 'recovery',
    at: struck.t_ms,
    settled: (validator) => productionMoveSettled(ctx.world, beforeId, ctx.leader, standbys, validator),
    detail: `${ctx.leader.name} ${fault}`,
  };
}

/**
 * A "no move" fault: struck once the standbys judge the leader healthy, lifted after `windowMs`; the heal
 * ends `aftermathMs` after the lift (a deliberate observation window: the trial watches for a move until then).
 */
async function noMoveFault(ctx: FaultContext, strike: () => Promise<{ t_ms: number }>, lift: () => Promise<unknown>, windowMs: number, aftermathMs: number, detail: string): Promise<InjectedFault> {
  const beforeId = await waitJudgedHealthy(ctx.world, ctx.leader, standbysOf(ctx));
  const struck = await strike();
  return {
    heal: async () => {
      await lift();
      await sleep(aftermathMs);
    },
    healAt: windowMs,
    at: struck.t_ms,
    settled: (validator) => noMoveSettled(ctx.world, beforeId, ctx.leader, validator),
    detail: `${detail} for ${windowMs / 1000} s${aftermathMs > 0 ? `, watched ${aftermathMs / 1000} s after` : ''}`,
  };
}

const GRAY_COMMON = { fenced: false, daemonFlags: grayProductionFlags() } as const;
const noMove = (windowMs: number, aftermathMs = 0) => {
  const watched = windowMs + aftermathMs;
  const text = aftermathMs > 0 ? `the ${windowMs / 1000} s fault + ${aftermathMs / 1000} s after it, watched, + ${NO_MOVE_SLACK_MS / 1000} s` : `the ${windowMs / 1000} s observation window + ${NO_MOVE_SLACK_MS / 1000} s`;
  return { ...GRAY_COMMON, mayKeepValidator: true, noMove: true, boundMs: () => watched + NO_MOVE_SLACK_MS, boundText: text } as const;
};
const move = { ...GRAY_COMMON, boundMs: () => MOVE_BOUND_MS, boundText: 'the miss rule seen, a claim and a switchover --now, with room' } as const;

export const GRAY_FAULTS: Fault[] = [
  {
    ...move,
    id: 'gray-isolated-leader',
    title: 'G1. leader isolated from its peers (head frozen, says synced)',
    inject: (ctx) => leaderFault(ctx, 'isolated'),
  },
  {
    ...move,
    id: 'gray-mute-leader',
    title: "G2. leader mute (its blocks reach nobody)",
    inject: (ctx) => leaderFault(ctx, 'mute'),
  },
  {
    ...move,
    id: 'gray-isolated-standby-then-leader',
    title: 'G3. a standby isolated, then the leader: the healthy standby takes the role',
    minDaemons: 3,
    async inject(ctx) {
      const [cutOff, healthy] = standbysOf(ctx) as [ChaosNode, ChaosNode];
      const log = ctx.world.recorder.path;
      const beforeId = await waitJudgedHealthy(ctx.world, ctx.leader, [cutOff, healthy]);
      const cut = await setHomeFault(cutOff.home.home, 'isolated', log);
      // Its own head stopped: it must know it cannot judge before the leader fails (as in gray-failure.test.ts).
      await waitVerdict(ctx.world, cutOff, 'cannot-judge', cut.t_ms);
      const struck = await setHomeFault(ctx.leader.home.home, 'isolated', log);
      return {
        heal: heal([ctx.leader, cutOff], log),
        healAt: 'recovery',
        at: struck.t_ms,
        notRecoveryHome: cutOff.home.home,
        settled: (validator) => productionMoveSettled(ctx.world, beforeId, ctx.leader, [healthy], validator),
        detail: `${cutOff.name} isolated, then ${ctx.leader.name} isolated`,
      };
    },
  },
  {
    ...noMove(STALL_WINDOW_MS, STALL_AFTERMATH_MS),
    id: 'gray-chain-stall',
    title: `G4. the whole chain stalls ${STALL_WINDOW_MS / 1000} s (nothing may move, also ${STALL_AFTERMATH_MS / 1000} s after)`,
    inject: (ctx) =>
      noMoveFault(ctx, () => setChainState('stall', ctx.world.recorder.path), () => setChainState('run', ctx.world.recorder.path), STALL_WINDOW_MS, STALL_AFTERMATH_MS, 'chain stalled'),
  },
  {
    ...noMove(FLAKY_WINDOW_MS),
    id: 'gray-flaky-leader',
    title: `G5. leader flaky (one duty in ten lost) for ${FLAKY_WINDOW_MS / 1000} s (nothing may move)`,
    inject: (ctx) =>
      noMoveFault(ctx, () => setHomeFault(ctx.leader.home.home, 'flaky', ctx.world.recorder.path), () => setHomeFault(ctx.leader.home.home, 'none', ctx.world.recorder.path), FLAKY_WINDOW_MS, 0, `${ctx.leader.name} flaky`),
  },
];

/** The settings the gray trials ran with, for the report. */
export const GRAY_SETTINGS_TEXT = `\`${grayProductionFlags().join(' ')}\` (defaults otherwise; hold ${GRAY_PRODUCTION.holdMs / 1000} s so the next trial need not wait 30 min)`;
