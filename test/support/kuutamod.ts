/**
 * Real kuutamod daemons for integration tests: neard homes made by the neard stand-in's own `init`
 * (test/support/neard-homes.ts), free ports everywhere, the compiled daemon started as a child process
 * with fast timings, and helpers to read its /state and log and wait for a state or a log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateView } from '../../src/state-view.js';
import { ACCOUNT_ID, createNodeHomeFiles, createPoolKeys, type NodeHome, type PoolKeys } from './neard-homes.js';
import { freePorts } from './ports.js';
import { REPO_ROOT } from './paths.js';
import { untilValue } from './until.js';

export const NEARD_STANDIN = join(REPO_ROOT, 'localnet', 'bin', 'neard');
export const KUUTAMOD_BIN = join(REPO_ROOT, 'bin', 'kuutamod.js');
export const KUUTAMOCTL_BIN = join(REPO_ROOT, 'bin', 'kuutamoctl.js');
export { ACCOUNT_ID, createPoolKeys, type NodeHome, type PoolKeys };

/** Timings that keep kuutamod's proportions but let a test finish in seconds. */
export const FAST_TIMINGS = [
  '--session-ttl', '10s',
  '--session-renew-interval', '1s',
  '--step-down-after', '7s',
  '--lock-acquire-interval', '30s',
  '--status-interval', '200ms',
  '--startup-timeout', '20s',
  '--neard-stop-timeout', '5s',
];

/** Stand-in knobs: a short sync, a quick graceful stop, fast blocks. */
export const FAST_NEARD_ENV = {
  NEARD_STANDIN_SYNC_MS: '600',
  NEARD_STANDIN_STOP_DELAY_MS: '200',
  NEARD_STANDIN_BLOCK_MS: '200',
};

/** A home for one kuutamod (see createNodeHomeFiles) with its neard's RPC on a free loopback port. */
export async function createNodeHome(dir: string, name: string, pool: PoolKeys): Promise<NodeHome> {
  const [rpcPort] = await freePorts(1);
  return createNodeHomeFiles(dir, name, pool, `127.0.0.1:${rpcPort}`);
}

export interface KuutamodOptions {
  consulUrl: string;
  nodeId: string;
  pool: PoolKeys;
  node: NodeHome;
  /** Extra environment (e.g. stand-in knobs). */
  env?: Record<string, string>;
  extraArgs?: string[];
}

export interface Kuutamod {
  nodeId: string;
  process: ChildProcess;
  url: string;
  validatorNetworkAddr: string;
  voterNetworkAddr: string;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  state(): Promise<StateView>;
  /** Poll /state until `predicate` holds; returns the matching view. */
  waitFor(predicate: (view: StateView) => boolean, what: string, timeoutMs?: number): Promise<StateView>;
  waitForState(state: string, timeoutMs?: number): Promise<StateView>;
  /** Everything the daemon logged so far. */
  log(): string;
  /** Wait until a line of the log matches `pattern`; returns that line. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after a while; also kills a neard it may have left. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startKuutamod(options: KuutamodOptions): Promise<Kuutamod> {
  const [exporterPort, validatorPort, voterPort] = await freePorts(3);
  const validatorNetworkAddr = `127.0.0.1:${validatorPort}`;
  const voterNetworkAddr = `127.0.0.1:${voterPort}`;
  const logFile = join(options.node.home, '..', `${options.nodeId}.log`);
  mkdirSync(join(options.node.home, '..'), { recursive: true });
  const out = openSync(logFile, 'a');
  const args = [
    KUUTAMOD_BIN,
    '--consul-url', options.consulUrl,
    '--node-id', options.nodeId,
    '--account-id', ACCOUNT_ID,
    '--exporter-address', `127.0.0.1:${exporterPort}`,
    '--neard-home', options.node.home,
    '--validator-key', options.pool.validatorKey,
    '--validator-node-key', options.pool.validatorNodeKey,
    '--voter-node-key', options.node.voterNodeKey,
    '--validator-network-addr', validatorNetworkAddr,
    '--voter-network-addr', voterNetworkAddr,
    '--neard-bin', NEARD_STANDIN,
    ...FAST_TIMINGS,
    ...(options.extraArgs ?? []),
  ];
  // Every neard of one test pool shares one validator log, as the chain is one: a standby's neard then counts
  // the leader's blocks as produced (without it each stand-in counts only its own validating, and a standby
  // would see the leader miss every block and ask for a production move once the grace is over).
  const sharedLog = { NEARD_STANDIN_VALIDATOR_LOG: join(options.node.home, '..', 'validators.jsonl') };
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', out, out],
    env: { ...process.env, ...FAST_NEARD_ENV, ...sharedLog, ...options.env },
  });
  closeSync(out);
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${exporterPort}`;
  const log = () => readFileSync(logFile, 'utf8');
  const state = async (): Promise<StateView> => {
    const response = await fetch(`${url}/state`, { signal: AbortSignal.timeout(2_000) });
    return (await response.json()) as StateView;
  };
  const exitedText = () => (child.exitCode ?? child.signalCode) === null ? undefined : `${options.nodeId} exited (${child.exitCode ?? child.signalCode})`;
  const waitFor = async (predicate: (view: StateView) => boolean, what: string, timeoutMs = 30_000) => {
    let last: StateView | undefined;
    return untilValue(
      `${options.nodeId}: ${what}`,
      async () => {
        last = await state();
        return predicate(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 50, retryErrors: true, failFast: exitedText, detail: () => `last /state: ${JSON.stringify(last ?? 'no answer yet')}\n--- log ---\n${log().slice(-4000)}` },
    );
  };
  const waitForLog = async (pattern: RegExp, timeoutMs = 30_000) =>
    untilValue(`${options.nodeId}: a log line matching ${String(pattern)}`, () => log().split('\n').find((line) => pattern.test(line)), {
      timeoutMs,
      intervalMs: 50,
      detail: () => `--- log ---\n${log().slice(-3000)}`,
    });
  const handle: Kuutamod = {
    nodeId: options.nodeId,
    process: child,
    url,
    validatorNetworkAddr,
    voterNetworkAddr,
    logFile,
    exited,
    state,
    waitFor,
    waitForState: (name, timeoutMs) => waitFor((view) => view.state === name, `state ${name}`, timeoutMs),
    log,
    waitForLog,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  return handle;
}

/** Is a process with this pid alive? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Wait until one of two daemons validates with its neard running the key and the other votes;
 * returns [leader, standby]. The leader counts only once its validating neard runs, not while
 * its voter neard is being stopped.
 */
export async function waitForLeaderAndStandby(a: Kuutamod, b: Kuutamod, timeoutMs = 40_000): Promise<[Kuutamod, Kuutamod]> {
  return untilValue(
    'a Validating/Voting pair',
    async (): Promise<[Kuutamod, Kuutamod] | undefined> => {
      const [sa, sb] = await Promise.all([a.state(), b.state()]);
      if (sa.state === 'Validating' && sa.neardMode === 'validator' && sb.state === 'Voting' && sb.neardPid) return [a, b];
      if (sb.state === 'Validating' && sb.neardMode === 'validator' && sa.state === 'Voting' && sa.neardPid) return [b, a];
      return undefined;
    },
    { timeoutMs, intervalMs: 100, retryErrors: true, detail: () => `${a.log().slice(-2000)}\n${b.log().slice(-2000)}` },
  );
}
