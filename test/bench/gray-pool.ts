// One fresh pool for one gray-bench trial: its own Consul server (empty KV: no handover record, so no hold
// from an earlier move), the pool's keys and genesis made now, a leader started first and the standbys after
// it, every neard a stand-in sharing one validator log and fault file. Fresh per trial because a production
// move leaves the pool held (--production-hold, 30 min) and every judge in its grace (2 min) afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../localnet/neard/chain.js';
import { FaultFeed } from '../../localnet/neard/fault-file.js';
import type { FaultTimeline } from '../../localnet/neard/fault-timeline.js';
import { loadGenesis } from '../../localnet/neard/home.js';
import { validatingPeriods, type ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import { ValidatorLog } from '../../localnet/neard/validator-log.js';
import { createConsulClient, type ConsulClient } from '../../services/consul/client.js';
import { findOverlaps } from '../chaos/checker.js';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { ACCOUNT_ID, createNodeHome, createPoolKeys, startKuutamod, type Kuutamod } from '../support/kuutamod.js';
import { waitForMembers } from '../support/pool-members.js';
import type { PoolChain } from './gray-measure.js';

export interface GrayPoolSettings {
  nodes: number;
  blockMs: number;
  /** NEARD_STANDIN_SCHEDULE pattern of the pool's account; null: the genesis alone (its only validator, due at every height). */
  schedule: string | null;
  /** Daemon flags after test/support/kuutamod.ts's fast ones (last flag wins). */
  daemonArgs: readonly string[];
  /** Stand-in knobs over test/support/kuutamod.ts's FAST_NEARD_ENV. */
  standinEnv: Readonly<Record<string, string>>;
  /** How long the standbys may take to judge the leader healthy (the grace and a few publish intervals). */
  readyTimeoutMs: number;
  /** Keep the pool's folder (daemon logs, validator log, fault file) for a post-mortem. */
  keep: boolean;
}

export interface ChainView {
  pool: PoolChain;
  periods: ValidatingPeriod[];
  faults: FaultTimeline;
}

export interface GrayPool {
  dir: string;
  consul: ConsulClient;
  validatorLog: string;
  leader: Kuutamod;
  standbys: Kuutamod[];
  homeOf(daemon: Kuutamod): string;
  /** The chain as the stand-ins count it now: schedule, validating periods, faults. */
  chainView(): ChainView;
  /** Wait until every standby publishes a healthy verdict on the leader (past its grace): judging works. */
  judgedHealthy(): Promise<void>;
  /** Stop the daemons (their neards write stop records) and Consul; returns the overlaps in the validator log. */
  stop(): Promise<number>;
}

const NODE_IDS = ['node0', 'node1', 'node2'];
/** Daemons this process started and has not stopped: Ctrl-C stops them (see switchover.ts for why). */
const live = new Set<Kuutamod>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => live.forEach((d) => d.process.kill('SIGTERM')));

export async function startGrayPool(settings: GrayPoolSettings): Promise<GrayPool> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gray-'));
  const validatorLog = join(dir, 'validators.jsonl');
  const scheduleText = settings.schedule === null ? '' : `${ACCOUNT_ID}:${settings.schedule}`;
  const env = { ...settings.standinEnv, NEARD_STANDIN_BLOCK_MS: String(settings.blockMs), NEARD_STANDIN_VALIDATOR_LOG: validatorLog, NEARD_STANDIN_SCHEDULE: scheduleText };
  const server: ConsulServer = await startConsulServer();
  const consul = createConsulClient({ url: server.url, requestTimeoutMs: 5_000 });
  const keys = createPoolKeys(dir);
  const daemons: Kuutamod[] = [];
  const homes = new Map<Kuutamod, string>();
  const start = async (nodeId: string): Promise<Kuutamod> => {
    const node = await createNodeHome(dir, nodeId, keys);
    const daemon = await startKuutamod({ consulUrl: server.url, nodeId, pool: keys, node, env, extraArgs: [...settings.daemonArgs] });
    daemons.push(daemon);
    live.add(daemon);
    homes.set(daemon, node.home);
    return daemon;
  };
  const stop = async (): Promise<number> => {
    await Promise.all(daemons.map((d) => d.stop()));
    daemons.forEach((d) => live.delete(d));
    consul.destroy();
    await server.stop();
    const overlaps = findOverlaps(
      validatingPeriods(new ValidatorLog(validatorLog, ''), Date.now()).map((p) => ({ pid: p.pid, start: p.startMs, end: p.endMs, endKind: 'stop' as const })),
      Date.now(),
    ).length;
    if (settings.keep) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
    return overlaps;
  };
  try {
    // The leader first, so which node leads is known; the standbys once it validates.
    const leader = await start(NODE_IDS[0]!);
    await leader.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'validating', 120_000);
    const standbys = await Promise.all(NODE_IDS.slice(1, settings.nodes).map(start));
    await Promise.all(standbys.map((s) => s.waitForState('Voting', 120_000)));
    const feed = new FaultFeed(`${validatorLog}.faults`);
    const chain = new Chain(loadGenesis(join(dir, 'pool', 'genesis.json')), settings.blockMs, 0, () => feed.timeline().stalls());
    const pool: PoolChain = { chain, schedule: new Schedule(chain, parseSchedule(scheduleText, 'schedule')), accountId: ACCOUNT_ID };
    return {
      dir,
      consul,
      validatorLog,
      leader,
      standbys,
      homeOf: (daemon) => homes.get(daemon)!,
      chainView: () => ({ pool, periods: validatingPeriods(new ValidatorLog(validatorLog, ''), Date.now()), faults: feed.timeline() }),
      async judgedHealthy() {
        const ids = standbys.map((s) => s.nodeId);
        await waitForMembers(consul, (ms) => ids.every((id) => ms.find((m) => m.nodeId === id)?.production?.verdict === 'healthy'), 'every standby judging the leader healthy', settings.readyTimeoutMs);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
