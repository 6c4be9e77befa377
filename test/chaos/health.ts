// "Healthy" = the starting point of every trial: all Consul servers up with a raft leader that every
// server follows (autopilot health), every daemon running, exactly one Validating with a validator neard
// that the recorder sees validating, all others Voting with a voter neard.
import type { StateView } from '../../src/state-view.js';
import type { ChaosNode, ChaosWorld } from './cluster.js';
import { untilValue } from '../support/until.js';

export interface Healthy {
  leader: ChaosNode;
  view: StateView;
}

async function viewOf(node: ChaosNode): Promise<StateView | null> {
  if (node.daemon.process.exitCode !== null || node.daemon.process.signalCode !== null) return null;
  try {
    return await node.daemon.state();
  } catch {
    return null;
  }
}

/**
 * Every server follows the raft leader (autopilot: recent contact, same term). A server restarted by the
 * previous trial (fault 5) is up before it hears the leader; until it does it may start an election of its
 * own (raft without pre-vote in Consul 1.8.7), which would overlap the next trial's fault.
 */
async function raftSettled(world: ChaosWorld): Promise<boolean> {
  try {
    const url = await world.consul.leaderUrl();
    const response = await fetch(`${url}/v1/operator/autopilot/health`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return false;
    const health = (await response.json()) as { Healthy?: boolean; Servers?: Array<{ Healthy?: boolean }> };
    const servers = health.Servers ?? [];
    return health.Healthy === true && servers.length === world.consul.servers.length && servers.every((s) => s.Healthy === true);
  } catch {
    return false;
  }
}

export async function waitHealthy(world: ChaosWorld, timeoutMs: number): Promise<Healthy> {
  let last = 'nothing checked yet';
  return untilValue('a healthy pool', () => healthyNow(world, (seen) => (last = seen)), {
    timeoutMs,
    intervalMs: 100,
    detail: () => `${last}${downDaemons(world)}`,
  });
}

/** One look at the pool: the leader and its view when healthy, else undefined after telling `saw` what it saw. */
async function healthyNow(world: ChaosWorld, saw: (seen: string) => void): Promise<Healthy | undefined> {
  const views = await Promise.all(world.nodes.map(viewOf));
  const leaders = world.nodes.filter((_, i) => {
    const v = views[i];
    return v?.state === 'Validating' && v.neardMode === 'validator' && v.holdsLock;
  });
  const voters = views.filter((v) => v?.state === 'Voting' && v.neardMode === 'voter');
  const validating = world.recorder.openIntervals();
  const leader = leaders[0];
  const leaderView = leader ? views[world.nodes.indexOf(leader)] : null;
  const serversUp = world.consul.servers.every((s) => s.alive()) && (await raftSettled(world));
  if (
    serversUp &&
    leader &&
    leaderView &&
    leaders.length === 1 &&
    voters.length === world.nodes.length - 1 &&
    validating.length === 1 &&
    validating[0]?.pid === leaderView.neardPid &&
    world.lock.current() === leaderView.sessionId
  ) {
    return { leader, view: leaderView };
  }
  saw(
    JSON.stringify({
      serversUp,
      states: views.map((v, i) => `${world.nodes[i]?.name}:${v ? `${v.state}/${v.neardMode}/lock=${v.holdsLock}` : 'down'}`),
      validatingPids: validating.map((i) => i.pid),
      lockSession: world.lock.current(),
    }),
  );
  return undefined;
}

/** For a post-mortem: each daemon whose process ended, with its exit and the last lines of its log. */
function downDaemons(world: ChaosWorld): string {
  return world.nodes
    .filter(({ daemon }) => daemon.process.exitCode !== null || daemon.process.signalCode !== null)
    .map(({ name, daemon }) => {
      const { exitCode, signalCode } = daemon.process;
      let tail: string;
      try {
        tail = daemon.log().trimEnd().split('\n').slice(-8).join('\n  ');
      } catch (error) {
        tail = `(log unreadable: ${String(error)})`;
      }
      return `\n${name}: daemon exited (code ${exitCode}, signal ${signalCode}); last log lines:\n  ${tail}`;
    })
    .join('');
}
