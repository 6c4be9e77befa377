// The seven faults of issue 4, one found while running them, issue 8's three mid-handover ones, and issue
// 17's gray failures (gray-faults.ts).
// Each is injected into a healthy world with a known leader and says when it is healed: right away (in
// parallel with recovery), after a hold time, or once a new validator is up (a killed daemon is
// restarted then, as a fresh process on the same home).
import { nowMs } from './proc.js';
import type { ClusterServer } from '../support/consul.js';
import type { ChaosNode, ChaosWorld } from './cluster.js';
import { handoverSettled, requestSwitchover, standbyOf, waitForLockLeaving, waitForPhase, type HandoverOutcome } from './handover.js';
import { GRAY_FAULTS, type GrayFaultId } from './gray-faults.js';
import { recoveryBoundMs, type ChaosTimings } from './timings.js';
import { until } from '../support/until.js';

export type FaultId =
  | 'neard-kill'
  | 'daemon-kill'
  | 'daemon-term'
  | 'daemon-stop'
  | 'consul-leader-kill'
  | 'agent-partition'
  | 'slow-stop-partition'
  | 'renew-fail'
  | 'handover-leader-kill'
  | 'handover-candidate-kill'
  | 'handover-consul-cut'
  | GrayFaultId;

export interface FaultContext {
  world: ChaosWorld;
  leader: ChaosNode;
  neardPid: number;
  /** The leader's Consul session (the one the lock names). */
  session: string | null;
  /** 0-based trial number within this fault, to vary hold times. */
  trial: number;
}

export interface InjectedFault {
  heal: () => void | Promise<void>;
  /** 'now': heal runs alongside recovery; number: ms after the fault; 'recovery': once a validator is back. */
  healAt: 'now' | 'recovery' | number;
  detail: string;
  /** When the fault struck, if the injection first waited for something (a switchover under way); default: its start. */
  at?: number;
  /** A session whose taking the lock is not the handover the trial measures (default: the old leader's). */
  notHandoverSession?: string | null;
  /** A neard of this home that starts validating does not count as the recovery (a killed candidate's, mid-start). */
  notRecoveryHome?: string;
  /** Once the world is healthy again: what became of the fault's handover record, and whether it ended. */
  settled?: (validator: ChaosNode) => Promise<HandoverOutcome>;
}

export interface Fault {
  id: FaultId;
  title: string;
  /** The old neard must be dead by fault + TTL - fence margin (+ slack): the guard's lease fence. */
  fenced: boolean;
  /** The lock must move within this many ms of the old neard's death: the guard frees it after fencing. */
  lockFreeAfterDeathMs?: number;
  /**
   * The validator may survive the fault with the lock never moving (a Consul server restart): the trial
   * then counts "no outage" once healed. Only such faults: right after a neard SIGKILL the old validator
   * also still looks alive and locked until the recorder's next poll.
   */
  mayKeepValidator?: boolean;
  /** The recovery bound, if not the default 2 x TTL + 1 s + neard start (recoveryBoundMs). */
  boundMs?: (timings: ChaosTimings) => number;
  /** What boundMs is made of, for the report. */
  boundText?: string;
  /** The role must not move: the trial fails if another neard validates or the lock moves (mayKeepValidator too). */
  noMove?: boolean;
  /** Extra daemon flags for this fault's trials: the world's daemons are restarted with them (gray faults). */
  daemonFlags?: readonly string[];
  /** Needs this many daemons; skipped (and said so in the report) with fewer. */
  minDaemons?: number;
  /** Called once before the first trial of this fault (e.g. make validators slow to stop). */
  setup?: (world: ChaosWorld) => void;
  teardown?: (world: ChaosWorld) => void;
  inject(ctx: FaultContext): InjectedFault | Promise<InjectedFault>;
}

/** Long holds go past 2 x TTL, so Consul surely expires the session and the lock moves; short ones
 * end between TTL and 2 x TTL, where the session may still be alive when the node thaws. */
function holdMs(world: ChaosWorld, trial: number, alternate: boolean): number {
  const { ttlMs } = world.timings;
  return alternate && trial % 2 === 1 ? ttlMs + 2_000 : 2 * ttlMs + 2_000;
}

async function raftLeader(world: ChaosWorld): Promise<ClusterServer> {
  const url = await world.consul.leaderUrl();
  const server = world.consul.servers.find((s) => s.url === url);
  if (!server) throw new Error(`raft leader ${url} is not one of ours`);
  return server;
}

const restart = (ctx: FaultContext) => () => ctx.world.restartDaemon(ctx.leader);

const partition = (ctx: FaultContext, alternate: boolean): InjectedFault => {
  const hold = holdMs(ctx.world, ctx.trial, alternate);
  ctx.leader.partition(true);
  const how = ctx.world.partitionMode === 'netns' ? 'netns link down' : 'frozen';
  return { heal: () => ctx.leader.partition(false), healAt: hold, detail: `agent ${ctx.leader.agent.name} ${how} ${hold} ms` };
};

/**
 * Start `switchover --now` from the leader to a standby and wait until the handover record reached
 * `phase` (or later: `late` then says which). The fault strikes right after.
 */
async function midHandover(ctx: FaultContext, phase: 'releasing' | 'released'): Promise<{ candidate: ChaosNode; candidateSession: string | null; id: string; late: string }> {
  const candidate = standbyOf(ctx.world, ctx.leader);
  // The candidate keeps this session through the handover: it is the one that would take the lock.
  const candidateSession = (await candidate.daemon.state()).sessionId;
  const id = await requestSwitchover(ctx.world, ctx.leader, candidate);
  const seen = await waitForPhase(ctx.world, id, phase);
  return { candidate, candidateSession, id, late: seen === phase ? '' : ` (record already ${seen})` };
}

/** Time the candidate may take to validate after the leader began releasing, plus the old leader's own start. */
const afterHandoverDeadline = (t: ChaosTimings): number => t.handoverDeadlineMs + 1_000 + t.neardStartMs;

export const FAULTS: Fault[] = [
  {
    id: 'neard-kill',
    title: '1. leader neard SIGKILL',
    fenced: false,
    inject(ctx) {
      process.kill(ctx.neardPid, 'SIGKILL');
      return { heal: () => undefined, healAt: 'now', detail: `neard ${ctx.neardPid}` };
    },
  },
  {
    id: 'daemon-kill',
    title: '2. leader daemon SIGKILL',
    fenced: false,
    inject(ctx) {
      ctx.leader.daemon.process.kill('SIGKILL');
      return { heal: restart(ctx), healAt: 'recovery', detail: `daemon ${ctx.leader.daemon.process.pid}` };
    },
  },
  {
    id: 'daemon-term',
    title: '3. leader daemon SIGTERM',
    fenced: false,
    inject(ctx) {
      ctx.leader.daemon.process.kill('SIGTERM');
      return { heal: restart(ctx), healAt: 'recovery', detail: `daemon ${ctx.leader.daemon.process.pid}` };
    },
  },
  {
    id: 'daemon-stop',
    title: '4. leader daemon SIGSTOP > TTL, SIGCONT',
    fenced: true,
    // The guard fences neard at the lease end and then destroys the frozen daemon's session.
    lockFreeAfterDeathMs: 1_000,
    inject(ctx) {
      const hold = holdMs(ctx.world, ctx.trial, true);
      const daemon = ctx.leader.daemon;
      daemon.process.kill('SIGSTOP');
      return { heal: () => void daemon.process.kill('SIGCONT'), healAt: hold, detail: `daemon ${daemon.process.pid} frozen ${hold} ms` };
    },
  },
  {
    id: 'consul-leader-kill',
    title: '5. Consul raft leader server SIGKILL, restart',
    fenced: false,
    mayKeepValidator: true,
    async inject(ctx) {
      const server = await raftLeader(ctx.world);
      server.kill('SIGKILL');
      const heal = async () => {
        // Restart once the other two elected a new leader, so the cluster is back to 3 servers.
        await until(`consul server ${server.name} dead`, () => !server.alive(), 30_000);
        await ctx.world.consul.leaderUrl();
        await server.restart();
      };
      return { heal, healAt: 'now', detail: `server ${server.name}` };
    },
  },
  {
    id: 'agent-partition',
    title: "6. leader's Consul agent cut off from the servers > TTL",
    fenced: true,
    inject: (ctx) => partition(ctx, true),
  },
  {
    id: 'slow-stop-partition',
    title: '7. fault 6 + validator neard slower to stop than the TTL',
    fenced: true,
    setup: (world) => world.setValidatorStopDelay(world.timings.ttlMs + 5_000),
    teardown: (world) => world.setValidatorStopDelay(0),
    inject: (ctx) => partition(ctx, false),
  },
  {
    // Not in the list: what fault 5 does to a leader by chance (renewals fail, KV answers), made deterministic.
    id: 'renew-fail',
    title: "8. leader's session renewals answer HTTP 500, KV still works",
    fenced: true,
    inject(ctx) {
      const hold = 2 * ctx.world.timings.ttlMs + 2_000;
      const proxy = ctx.leader.proxy;
      proxy.inject = { match: (kind) => kind === 'PUT /v1/session/renew', status: 500 };
      return { heal: () => void (proxy.inject = null), healAt: hold, detail: `renewals of ${ctx.leader.name} fail for ${hold} ms` };
    },
  },
  // Issue 8: faults while a planned switchover (--now, to a standby) is under way.
  {
    id: 'handover-leader-kill',
    title: '9. old leader daemon SIGKILL mid-handover (record releasing)',
    fenced: false,
    async inject(ctx) {
      const { candidate, id, late } = await midHandover(ctx, 'releasing');
      ctx.leader.daemon.process.kill('SIGKILL');
      const at = nowMs();
      return { heal: restart(ctx), healAt: 'recovery', at, settled: (validator) => handoverSettled(ctx.world, id, validator), detail: `switchover ${id} to ${candidate.name}${late}, daemon ${ctx.leader.daemon.process.pid}` };
    },
  },
  {
    id: 'handover-candidate-kill',
    title: '10. candidate daemon SIGKILL mid-handover (lock released)',
    fenced: false,
    // Nobody validates until the handover deadline; then the old leader takes the role back.
    boundMs: afterHandoverDeadline,
    boundText: 'handover deadline + 1 s + neard start',
    async inject(ctx) {
      const { candidate, candidateSession, id } = await midHandover(ctx, 'releasing');
      await waitForLockLeaving(ctx.world, ctx.session);
      const holder = ctx.world.lock.current() === null ? 'lock free' : 'lock taken by the candidate';
      candidate.daemon.process.kill('SIGKILL');
      const at = nowMs();
      return {
        heal: () => ctx.world.restartDaemon(candidate),
        healAt: 'recovery',
        at,
        // The candidate's acquire may still land just after its death: the handover measured is the old leader's retake.
        notHandoverSession: candidateSession,
        notRecoveryHome: candidate.home.home,
        settled: (validator) => handoverSettled(ctx.world, id, validator),
        detail: `switchover ${id} to ${candidate.name}, ${holder}, daemon ${candidate.daemon.process.pid}`,
      };
    },
  },
  {
    id: 'handover-consul-cut',
    title: "11. old leader's Consul agent cut off mid-handover (record releasing)",
    fenced: false,
    async inject(ctx) {
      const { candidate, id, late } = await midHandover(ctx, 'releasing');
      const cut = partition(ctx, true);
      return { ...cut, at: nowMs(), settled: (validator) => handoverSettled(ctx.world, id, validator), detail: `switchover ${id} to ${candidate.name}${late}, ${cut.detail}` };
    },
  },
  ...GRAY_FAULTS,
];

/** The recovery bound of `fault` at `timings`. */
export function faultBoundMs(fault: Fault, timings: ChaosTimings): number {
  return fault.boundMs ? fault.boundMs(timings) : recoveryBoundMs(timings);
}
