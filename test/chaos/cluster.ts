// The chaos world: 3 Consul servers, one Consul client agent per validator machine (each daemon talks
// only to its own agent, through a counting proxy), the daemons with the neard stand-in, and the
// harness's observers (validator recorder, lock watcher).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsulClientAgent, startConsulCluster, type ConsulClientAgent, type ConsulCluster } from '../support/consul.js';
import { ACCOUNT_ID, createNodeHome, createPoolKeys, startKuutamod, type Kuutamod, type NodeHome, type PoolKeys } from '../support/kuutamod.js';
import { REPO_ROOT } from '../support/paths.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';
import { CORE_ADDR, planFromEnv, setLink } from './netns.js';
import { LockWatcher } from './lock-watch.js';
import { ValidatorRecorder } from './recorder.js';
import { timingFlags, type ChaosTimings } from './timings.js';

export const LEADER_KEY = `kuutamod-leader/${ACCOUNT_ID}`;
const NEARD_WRAPPER = join(REPO_ROOT, 'test', 'chaos', 'neard-wrapper.sh');

export interface ChaosNode {
  name: string;
  agent: ConsulClientAgent;
  proxy: CountingProxy;
  home: NodeHome;
  daemon: Kuutamod;
  /** Cut this machine's Consul agent off from the servers (true) or reconnect it (false). */
  partition(cut: boolean): void;
}

export interface ChaosWorld {
  dir: string;
  consul: ConsulCluster;
  nodes: ChaosNode[];
  recorder: ValidatorRecorder;
  lock: LockWatcher;
  timings: ChaosTimings;
  /** How partition() cuts an agent off: its netns link goes down, or the agent is frozen. */
  partitionMode: 'netns' | 'sigstop';
  /** Fresh daemon process for this node (same home, same agent), e.g. after a kill. */
  restartDaemon(node: ChaosNode): Promise<void>;
  /** Restart every daemon with other timings (idle measurement at the defaults). */
  restartAll(timings: ChaosTimings): Promise<void>;
  /** Extra daemon flags after the timings' (a gray fault's production flags); restarts every daemon when they change. */
  useDaemonFlags(flags: readonly string[]): Promise<void>;
  /** Milliseconds a validating neard takes to stop gracefully (fault 7); 0 = the stand-in's fast stop. */
  setValidatorStopDelay(ms: number): void;
  stop(): Promise<void>;
}

export interface WorldOptions {
  daemons: number;
  timings: ChaosTimings;
  log: (line: string) => void;
  /** Stand-in settings for every neard (e.g. NEARD_STANDIN_SCHEDULE), over test/support/kuutamod.ts's fast ones. */
  standinEnv?: Readonly<Record<string, string>>;
  /** Daemon flags for the whole run (e.g. --validator-key-hot-swap), before a fault's own (useDaemonFlags). */
  daemonFlags?: readonly string[];
}

export async function startWorld({ daemons, timings, log, standinEnv = {}, daemonFlags = [] }: WorldOptions): Promise<ChaosWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'kuutamod-chaos-'));
  const stopDelayFile = join(dir, 'validator-stop-delay-ms');
  writeFileSync(stopDelayFile, '');
  const pool: PoolKeys = createPoolKeys(dir);
  const recorder = new ValidatorRecorder(join(dir, 'validators.jsonl'));
  recorder.start();
  log(`chaos dir ${dir}`);
  // Inside the core namespace (run.ts --partition netns), servers listen where machine namespaces reach them.
  const plan = planFromEnv();
  const consul = await startConsulCluster(3, plan ? { bind: CORE_ADDR } : {});
  log(`consul servers up: ${consul.servers.map((s) => `${s.name} ${s.url}`).join(', ')}`);
  const lock = new LockWatcher(() => consul.servers.filter((s) => s.alive()).map((s) => s.url), LEADER_KEY);
  lock.start();

  let current = timings;
  let extraFlags: readonly string[] = [];
  const startDaemon = (name: string, proxy: CountingProxy, home: NodeHome): Promise<Kuutamod> =>
    startKuutamod({
      consulUrl: proxy.url,
      nodeId: name,
      pool,
      node: home,
      env: { ...standinEnv, NEARD_STANDIN_VALIDATOR_LOG: recorder.path, CHAOS_VALIDATOR_STOP_DELAY_FILE: stopDelayFile },
      extraArgs: ['--neard-bin', NEARD_WRAPPER, ...timingFlags(current), ...daemonFlags, ...extraFlags],
    });

  const nodes: ChaosNode[] = [];
  const world: ChaosWorld = {
    dir,
    consul,
    nodes,
    recorder,
    lock,
    partitionMode: plan ? 'netns' : 'sigstop',
    get timings() {
      return current;
    },
    async restartDaemon(node) {
      await stopDaemon(node.daemon);
      node.daemon = await startDaemon(node.name, node.proxy, node.home);
    },
    async restartAll(next) {
      current = next;
      // Standbys first, so the leader hands over only once.
      for (const node of nodes) await stopDaemon(node.daemon);
      for (const node of nodes) node.daemon = await startDaemon(node.name, node.proxy, node.home);
    },
    async useDaemonFlags(flags) {
      if (flags.join(' ') === extraFlags.join(' ')) return;
      log(`restarting every daemon with ${flags.length === 0 ? 'no extra flags' : flags.join(' ')}`);
      extraFlags = [...flags];
      await world.restartAll(current);
    },
    setValidatorStopDelay(ms) {
      writeFileSync(stopDelayFile, ms > 0 ? String(ms) : '');
    },
    async stop() {
      for (const node of nodes) await stopDaemon(node.daemon);
      await lock.stop();
      recorder.stop();
      for (const node of nodes) {
        node.partition(false);
        await node.proxy.close();
        await node.agent.stop();
      }
      await consul.stop();
      // CHAOS_KEEP=1 keeps the daemons' logs and the validator log for a post-mortem.
      if (process.env['CHAOS_KEEP'] === '1') log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
  const join_ = consul.servers.map((s) => s.serfLanAddr);
  for (let i = 0; i < daemons; i++) {
    const name = `node-${String.fromCharCode(97 + i)}`;
    const machine = plan?.machines[i];
    const agent = await startConsulClientAgent({
      join: join_,
      name: `machine-${name}`,
      ...(machine ? { net: { bind: machine.machineAddr, wrap: ['ip', 'netns', 'exec', machine.ns], httpSocket: join(dir, `${name}-agent.sock`) } } : {}),
    });
    const target = new URL(agent.url);
    const proxy = await startCountingProxy(agent.socketPath ? { socketPath: agent.socketPath } : { host: target.hostname, port: Number(target.port) });
    const home = await createNodeHome(dir, name, pool);
    const partition = machine
      ? (cut: boolean) => setLink(machine.coreDev, !cut)
      : (cut: boolean) => void agent.kill(cut ? 'SIGSTOP' : 'SIGCONT');
    nodes.push({ name, agent, proxy, home, daemon: await startDaemon(name, proxy, home), partition });
    log(`${name}: agent ${agent.url} (pid ${agent.pid}${machine ? `, netns ${machine.ns}` : ''}), proxy ${proxy.url}`);
  }
  return world;
}

/** SIGCONT (it may be frozen), SIGTERM, SIGKILL after 15 s (support/kuutamod.ts). */
async function stopDaemon(daemon: Kuutamod): Promise<void> {
  if (daemon.process.exitCode !== null || daemon.process.signalCode !== null) return;
  daemon.process.kill('SIGCONT');
  await daemon.stop();
}
