// `neard run`: load the home, hold the validator key (if any), bind network.addr and
// rpc.addr, produce pretend blocks, serve /metrics and the maintenance-windows RPC, and
// stop on signals or expected_shutdown like neard. The fault file (fault-file.ts) shapes what
// the node reports: its own head, sync state and peers (own-view.ts) and the shared counts.
import { existsSync, readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseBootNodes, parseSocketAddr } from './addr.js';
import { Chain } from './chain.js';
import { DbLock } from './db-lock.js';
import { countDuties } from './duty-count.js';
import type { StandinKnobs } from './env.js';
import { FaultFeed, faultFilePath } from './fault-file.js';
import type { Interval } from './fault-timeline.js';
import { loadConfig, loadDynConfig, loadGenesis, type NeardConfig } from './home.js';
import { readKeyFile } from './keys.js';
import { validatingPeriods } from './ledger.js';
import { log, panic } from './log.js';
import { metricsText } from './metrics.js';
import { ownView, type OwnView } from './own-view.js';
import { startP2pListener, stopP2pListener } from './p2p.js';
import { startRpcServer, stopRpcServer } from './rpc.js';
import { Schedule } from './schedule.js';
import { statsLine } from './stats.js';
import { buildStatus, type NodeView } from './status.js';
import { ValidatorLog, wallClockMs } from './validator-log.js';
import type { ValidatorsView } from './validators-rpc.js';
import { NEARD_BUILD, NEARD_COMMIT, NEARD_VERSION, PROTOCOL_VERSION } from './version.js';

export interface RunOptions {
  home: string;
  bootNodes?: string;
  networkAddr?: string;
  rpcAddr?: string;
  disableRpc?: boolean;
}

type ValidatorKey = NonNullable<NodeView['validator']>;

/** validator_key.json is optional: absent (or a dangling symlink) means "not a validator". */
function readValidatorKey(path: string): ValidatorKey | null {
  if (!existsSync(path)) return null;
  const key = readKeyFile(path);
  return { accountId: key.account_id, publicKey: key.public_key };
}

const describe = (key: ValidatorKey | null): string => (key ? `Some("${key.accountId}")` : 'None');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const errMsg = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function loadOrPanic(opts: RunOptions, blockMs: number, lagBlocks: number, stalls: () => readonly Interval[]): { config: NeardConfig; node: NodeView } {
  try {
    const config = loadConfig(opts.home);
    if (opts.bootNodes) config.bootNodes = parseBootNodes(opts.bootNodes);
    if (opts.networkAddr) {
      config.networkAddr = parseSocketAddr(opts.networkAddr);
      config.networkAddrText = opts.networkAddr;
    }
    if (opts.rpcAddr) {
      config.rpc = parseSocketAddr(opts.rpcAddr);
      config.rpcAddr = opts.rpcAddr;
    }
    if (opts.disableRpc) {
      config.rpc = null;
      config.rpcAddr = null;
    }
    const genesis = loadGenesis(config.genesisFile);
    const nodeKey = readKeyFile(config.nodeKeyFile);
    const validator = readValidatorKey(config.validatorKeyFile);
    const node: NodeView = {
      chain: new Chain(genesis, blockMs, lagBlocks, stalls),
      rpcAddr: config.rpcAddr,
      nodePublicKey: nodeKey.public_key,
      validator,
      startedAtMs: Date.now(),
      syncedAtMs: Number.POSITIVE_INFINITY,
    };
    return { config, node };
  } catch (err) {
    return panic('neard/src/cli.rs', `Error loading config: ${errMsg(err)}`);
  }
}

export async function runNode(opts: RunOptions, knobs: StandinKnobs): Promise<void> {
  log('INFO', 'neard', `version="${NEARD_VERSION}" build="${NEARD_BUILD}" commit="${NEARD_COMMIT}" latest_protocol=${PROTOCOL_VERSION}`);
  // A fault belongs to the machine: keyed by the home's absolute path, so it outlives this process.
  const home = resolve(opts.home);
  const faults = new FaultFeed(faultFilePath(knobs.validatorLog, home));
  const { config, node } = loadOrPanic(opts, knobs.blockMs, knobs.lagBlocks, () => faults.timeline().stalls());
  let expectedShutdown = loadDynConfig(opts.home)?.expectedShutdown ?? config.expectedShutdown;
  // nearcore counts the load at startup too: the first SIGHUP makes it 2.
  let configReloads = 1;
  const schedule = new Schedule(node.chain, knobs.schedule);

  let lock: DbLock;
  try {
    lock = DbLock.acquire(opts.home);
  } catch (err) {
    return panic('core/store/src/db/rocksdb.rs', `Failed to open the database: ${errMsg(err)}`);
  }
  const vlog = new ValidatorLog(knobs.validatorLog, home);
  // Whatever ends the process (signal, panic, expected_shutdown), it stops validating then.
  process.on('exit', () => {
    if (node.validator) vlog.write('validator_stop', node.validator);
    vlog.dropHeartbeat();
    lock.release();
  });
  // Startup sync over? Not before the ports are up (syncedAtMs is Infinity until then).
  const synced = (): boolean => Date.now() >= node.syncedAtMs;
  if (node.validator) {
    vlog.write('validator_start', node.validator, synced()); // before it can sign anything
    vlog.heartbeat();
    log('INFO', 'client', `Validator key loaded account_id="${node.validator.accountId}" public_key=${node.validator.publicKey}`);
  }

  let shuttingDown = false;
  let p2p: NetServer | null = null;
  let rpc: HttpServer | null = null;
  const timers: NodeJS.Timeout[] = [];

  const shutdown = async (reason: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('WARN', 'neard', `${reason}, stopping... this may take a few minutes.`);
    await sleep(node.validator !== null ? validatorStopDelayMs(knobs.validatorStopDelayFile) ?? knobs.stopDelayMs : knobs.stopDelayMs);
    timers.forEach(clearInterval);
    await Promise.all([rpc && stopRpcServer(rpc), p2p && stopP2pListener(p2p)]);
    log('INFO', 'neard', 'Waiting for RocksDB to gracefully shutdown');
    process.exit(0);
  };

  // SIGHUP: re-read the dynamic config and (neard 2.x hot swap) validator_key.json.
  const reload = (): void => {
    if (shuttingDown) return;
    let nextShutdown: number | null;
    let nextKey: ValidatorKey | null;
    try {
      const dyn = loadDynConfig(opts.home);
      nextShutdown = dyn?.expectedShutdown ?? loadConfig(opts.home).expectedShutdown;
      nextKey = readValidatorKey(config.validatorKeyFile);
    } catch (err) {
      log('WARN', 'neard', `Dynamically updateable configs are not valid. Please fix this ASAP otherwise the node will be unable to restart: ${errMsg(err)}`);
      return;
    }
    configReloads++;
    if (nextShutdown !== expectedShutdown) {
      log('INFO', 'neard', `Changing the config: expected_shutdown ${expectedShutdown ?? 'None'} -> ${nextShutdown ?? 'None'}`);
      expectedShutdown = nextShutdown;
    }
    const prev = node.validator;
    if (prev?.publicKey !== nextKey?.publicKey || prev?.accountId !== nextKey?.accountId) {
      if (prev) vlog.write('validator_stop', prev);
      node.validator = null;
      if (nextKey) {
        vlog.write('validator_start', nextKey, synced());
        vlog.heartbeat();
      }
      node.validator = nextKey;
      log('INFO', 'client', `Validator key updated: ${describe(prev)} -> ${describe(nextKey)}`);
    } else {
      log('INFO', 'neard', 'SIGHUP: configs reloaded, nothing changed');
    }
  };

  // Peers while connected: the boot nodes (node0 of a localnet has none but is everyone's boot node).
  const connectedPeers = Math.max(1, config.bootNodes.length);
  // The node's own head, sync state and peers now, given its home's isolations.
  const view = (nowMs: number = Date.now()): OwnView => ownView({
    chain: node.chain,
    nowMs,
    startedAtMs: node.startedAtMs,
    syncedAtMs: node.syncedAtMs,
    syncMs: knobs.syncMs,
    isolations: faults.timeline().periods(home, 'isolated'),
    peers: connectedPeers,
  });

  // Counters of the head's epoch, from the ledger every stand-in of the pool shares: /metrics
  // and JSON-RPC `validators` show the same numbers, up to this node's own head.
  const epochCounts = () => {
    const own = view();
    const epoch = node.chain.epochOf(own.head);
    const periods = validatingPeriods(vlog);
    const timeline = faults.timeline();
    const accounts = schedule.accounts();
    const validators = accounts.map((accountId) => ({
      accountId,
      counts: countDuties(node.chain, schedule, periods, accountId, epoch.startHeight, own.head, timeline),
    }));
    return { own, epoch, accounts, validators };
  };
  const metrics = (): string => {
    const { own, epoch, accounts, validators } = epochCounts();
    return metricsText({
      head: own.head,
      epochHeight: epoch.height,
      isValidator: node.validator !== null && accounts.includes(node.validator.accountId),
      configReloads,
      expectedShutdown,
      peers: own.peers,
      validators,
    });
  };
  const validators = (): ValidatorsView => {
    const { epoch, validators: counted } = epochCounts();
    return { epochStartHeight: epoch.startHeight, epochHeight: epoch.height, genesisValidators: node.chain.genesis.validators, validators: counted };
  };

  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', reload);

  log('INFO', 'db_opener', `Opening NodeStorage path=${join(opts.home, 'data')} cold_path="none"`);
  if (knobs.startupDelayMs > 0) await sleep(knobs.startupDelayMs);
  if (shuttingDown) return;

  try {
    p2p = await startP2pListener(config.networkAddr);
  } catch (err) {
    return panic('chain/network/src/peer_manager/peer_manager_actor.rs',
      `failed to start listening on addr ${config.networkAddrText}: ${errMsg(err)}`);
  }
  log('INFO', 'network', `Listening on ${config.networkAddrText} node_id=${node.nodePublicKey}`);
  if (config.rpc && config.rpcAddr) {
    log('INFO', 'network', `Starting http server at ${config.rpcAddr}`);
    try {
      rpc = await startRpcServer(config.rpc, {
        status: () => buildStatus(node, view()),
        syncing: () => view().syncing,
        peers: () => view().peers,
        metrics,
        validators,
        validatorsRpc: knobs.validatorsRpc,
        windowsRpc: {
          mode: knobs.windowsRpc,
          shape: knobs.windowsShape,
          windows: (accountId) => schedule.windows(accountId, view().head),
        },
      });
    } catch (err) {
      return panic('chain/jsonrpc/src/lib.rs', `failed to bind JSON RPC server to ${config.rpcAddr}: ${errMsg(err)}`);
    }
  }
  node.syncedAtMs = Date.now() + knobs.syncMs;
  // The ledger's readers count a validator that started syncing as producing from here (producing.ts).
  timers.push(setTimeout(() => vlog.syncEnded(), knobs.syncMs));

  // expected_shutdown: nearcore checks the head in its client triggers and then stops.
  timers.push(setInterval(() => {
    if (shuttingDown || expectedShutdown === null) return;
    const height = view().head;
    if (height >= expectedShutdown) {
      log('INFO', 'client', `Expected shutdown triggered: head block(${height}) >= (${expectedShutdown})`);
      void shutdown('ClientActor died');
    }
  }, Math.min(200, knobs.blockMs)));

  // While validating, tell the ledger "still here" a few times per block, so a SIGKILLed
  // process's blocks count as missed from (about) the moment it died.
  timers.push(setInterval(() => {
    if (node.validator) vlog.heartbeat();
  }, Math.min(500, Math.max(20, knobs.blockMs / 2))));

  // Say when this home's fault or the chain's stall changes (checked a few times per block, at most
  // every 250 ms): the answers follow the file at once, this makes the change visible in the log.
  let lastFault = 'none';
  let lastStalled = false;
  const noticeFaults = (): void => {
    const timeline = faults.timeline();
    const now = wallClockMs();
    const fault = timeline.faultAt(home, now);
    const stalled = timeline.stalledAt(now);
    if (fault !== lastFault) {
      const own = view();
      log('WARN', 'standin', `fault of this home: ${lastFault} -> ${fault} (head #${own.head}, ${own.peers} peers; ${faults.path})`);
    }
    if (stalled !== lastStalled) log('WARN', 'standin', `chain ${stalled ? 'stalled: no new blocks until it runs again' : 'runs again'} (${faults.path})`);
    lastFault = fault;
    lastStalled = stalled;
  };
  noticeFaults();
  timers.push(setInterval(noticeFaults, Math.min(250, Math.max(20, knobs.blockMs / 2))));

  let lastHeight = view().head;
  let lastAt = Date.now();
  let lastCpu = process.cpuUsage();
  timers.push(setInterval(() => {
    const now = Date.now();
    const own = view(now);
    const height = own.head;
    const syncing = own.syncing;
    const cpu = process.cpuUsage(lastCpu);
    const elapsedMs = Math.max(1, now - lastAt);
    const validators = node.chain.genesis.validators;
    const v = node.validator;
    log('INFO', 'stats', statsLine({
      head: node.chain.block(height),
      sync: own.sync,
      networkHeight: node.chain.headHeightAt(now),
      validatorInfo: syncing ? null : {
        isValidator: v !== null && validators.some((g) => g.account_id === v.accountId),
        numValidators: validators.length,
      },
      peers: own.peers,
      blocksPerSec: ((height - lastHeight) * 1000) / elapsedMs,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
      memBytes: process.memoryUsage().rss,
    }));
    lastHeight = height;
    lastAt = now;
    lastCpu = process.cpuUsage();
  }, Math.max(100, config.logSummaryPeriodMs)));
}

/** The validator's shutdown time from its file, read at the stop; null: no file, empty, or not a number of ms. */
function validatorStopDelayMs(file: string | null): number | null {
  if (file === null) return null;
  try {
    const text = readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}
