// A whole switchover bench: for each variant a fresh two-node pool (real Consul, real daemons, stand-in neards
// sharing a validator log and a block schedule with maintenance windows), then `kuutamoctl switchover --wait`
// back and forth, each switchover measured from the validator log (switchover-measure.ts) and, in a window,
// checked against the window the daemon chose (switchover-windows.ts). Shared by the CLI (switchover.ts) and
// the smoke test. One pool at a time: the figures are times.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../localnet/neard/chain.js';
import { loadGenesis } from '../../localnet/neard/home.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import { createConsulClient } from '../../services/consul/client.js';
import { readHandover } from '../../services/pool/handover-record.js';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { startConsulServer } from '../support/consul.js';
import { runNodeScript, type ScriptResult } from '../support/node-script.js';
import { ACCOUNT_ID, KUUTAMOCTL_BIN, createNodeHome, createPoolKeys, startKuutamod, waitForLeaderAndStandby, type Kuutamod } from '../support/kuutamod.js';
import { waitForMembers } from '../support/pool-members.js';
import { untilValue } from '../support/until.js';
import { dutyLayoutOf } from './switchover-chance.js';
import { measureSwitchover, producingSinceHeight, readPoolLog, type PoolChain } from './switchover-measure.js';
import type { SwitchoverBenchResult, SwitchoverRecord, SwitchoverSettings, Variant, VariantResult } from './switchover-result.js';
import { windowProblems } from './switchover-windows.js';

export interface SwitchoverBenchOptions extends SwitchoverSettings {
  variants: readonly Variant[];
  /** Keep each variant's folder (validator log, daemon logs). */
  keep: boolean;
  log: (line: string) => void;
}

/**
 * Members rewrite their Consul record this often (the default 15 s would leave the old leader "not synced" in
 * the table for up to 15 s after each switchover, and a switchover to it is refused until then). Other
 * timings: test/support/kuutamod.ts's fast ones (status every 200 ms); the handover deadline stays at its default.
 */
const DAEMON_ARGS = ['--member-publish-interval', '500ms'];

/** Requests refused for want of a window are asked again at the next epoch's start, this many times. */
const EPOCH_RETRIES = 2;

/** The standby may be asked to take over: both records report a head, the standby synced and Voting. */
const poolReady = (standbyId: string) => (members: MemberRecord[]) =>
  members.length === 2 && members.every((m) => m.height !== null) &&
  members.some((m) => m.nodeId === standbyId && m.syncing === false && m.state === 'Voting');

/**
 * Daemons of the variant running now. On Ctrl-C or a kill, test/support/consul.ts stops Consul and re-raises
 * the signal, so no 'exit' handler runs and the daemons would live on (found after an interrupted run):
 * this listener, registered before Consul's, asks them to stop (they stop their neards on the way out).
 */
const liveDaemons = new Set<Kuutamod>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const daemon of liveDaemons) daemon.process.kill('SIGTERM');
  });
}

/** kuutamoctl with the node's environment: its neard home finds the control socket. No timeout: --wait lasts until the window. */
function kuutamoctl(home: string, args: string[]): Promise<ScriptResult> {
  return runNodeScript(KUUTAMOCTL_BIN, args, { env: { ...process.env, KUUTAMO_NEARD_HOME: home, KUUTAMO_ACCOUNT_ID: ACCOUNT_ID } });
}

const lastLines = (output: string, n: number) => output.trim().split('\n').slice(-n).join(' / ');
const isDue = (pool: PoolChain) => (height: number) => {
  const d = pool.schedule.duty(pool.accountId, height);
  return d.block || d.chunk;
};

async function runVariant(variant: Variant, o: SwitchoverBenchOptions): Promise<VariantResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-switchover-'));
  const logPath = join(dir, 'validators.jsonl');
  const scheduleText = `${ACCOUNT_ID}:${o.schedule}`;
  const env = {
    NEARD_STANDIN_BLOCK_MS: String(o.blockMs),
    NEARD_STANDIN_STOP_DELAY_MS: String(o.stopDelayMs),
    NEARD_STANDIN_SYNC_MS: String(o.syncMs),
    NEARD_STANDIN_SCHEDULE: scheduleText,
    NEARD_STANDIN_VALIDATOR_LOG: logPath,
  };
  const consul = await startConsulServer();
  const consulClient = createConsulClient({ url: consul.url, requestTimeoutMs: 5_000 });
  const keys = createPoolKeys(dir);
  const chain = new Chain(loadGenesis(join(dir, 'pool', 'genesis.json')), o.blockMs);
  const pool: PoolChain = { chain, schedule: new Schedule(chain, parseSchedule(scheduleText, '--schedule')), accountId: ACCOUNT_ID };
  const daemons: Kuutamod[] = [];
  const homes = new Map<Kuutamod, string>();
  const result: VariantResult = { variant, switchovers: [], failures: [], epochEndRetries: 0, load: [loadavg()[0] ?? 0, 0] };
  try {
    for (const nodeId of ['node0', 'node1']) {
      const node = await createNodeHome(dir, nodeId, keys);
      const daemon = await startKuutamod({ consulUrl: consul.url, nodeId, pool: keys, node, env, extraArgs: [...DAEMON_ARGS, ...(variant.hotSwap ? ['--validator-key-hot-swap'] : [])] });
      daemons.push(daemon);
      liveDaemons.add(daemon);
      homes.set(daemon, node.home);
    }
    for (let i = 1; i <= o.count; i++) {
      const [leader, standby] = await waitForLeaderAndStandby(daemons[0]!, daemons[1]!, 120_000);
      // The leader's route judges the candidate from its Consul record, not from /state.
      await waitForMembers(consulClient, poolReady(standby.nodeId), `${standby.nodeId} ready in Consul`, 60_000);
      // The leader producing (a restarted neard synced) for a block already: its own start is no switchover's cost.
      await untilValue(
        `${leader.nodeId}'s neard producing`,
        () => {
          const read = readPoolLog(logPath, Date.now());
          const since = producingSinceHeight(pool, read);
          return since !== null && chain.headHeightAt(read.readAtMs) > since;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      const modeArgs = variant.mode === 'now' ? ['--now'] : ['--in-window', '--minimum-length', String(o.minimumLength)];
      let startMs = Date.now();
      let answer = await kuutamoctl(homes.get(leader)!, ['switchover', '--to', standby.nodeId, ...modeArgs, '--wait']);
      // Late in an epoch no window is long enough before it ends: the operator's answer is to ask again in the
      // next epoch, so the bench does that at the next epoch's first height (counted, not a failure); the time
      // it waited is not the switchover's.
      for (let retry = 0; retry < EPOCH_RETRIES && answer.code !== 0 && /no maintenance window of at least/.test(answer.output); retry++) {
        result.epochEndRetries++;
        const next = chain.epochOf(chain.headHeightAt(Date.now())).startHeight + o.epochLength;
        await untilValue(`height ${next} (next epoch)`, () => chain.headHeightAt(Date.now()) >= next, { timeoutMs: (o.epochLength + 2) * o.blockMs, intervalMs: 50 });
        startMs = Date.now();
        answer = await kuutamoctl(homes.get(leader)!, ['switchover', '--to', standby.nodeId, ...modeArgs, '--wait']);
      }
      const commandMs = Date.now() - startMs;
      if (answer.code !== 0) {
        result.failures.push(`#${i}: exit ${answer.code}: ${lastLines(answer.output, 3)}`);
        o.log(`${variant.name} #${i}: FAILED (${lastLines(answer.output, 1)})`);
        continue;
      }
      const record = (await readHandover(consulClient, ACCOUNT_ID))?.record;
      // The new neard producing (synced, if it restarted) and one block made after that, so the count sees it.
      const cost = await untilValue(
        `${standby.nodeId}'s neard producing`,
        () => {
          const read = readPoolLog(logPath, Date.now());
          const cost = measureSwitchover(pool, read, startMs);
          return cost.producingHeight !== null && cost.toHeight > cost.producingHeight ? cost : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      ).catch((error: unknown) => error as Error);
      if (cost instanceof Error) {
        result.failures.push(`#${i}: ${cost.message.split('\n')[0] ?? ''}`);
        o.log(`${variant.name} #${i}: FAILED (${cost.message.split('\n')[0] ?? ''})`);
        continue;
      }
      // The record of this switchover (the pool has one at a time; a stale one would name other nodes).
      const ours = record !== undefined && record.from === leader.nodeId && record.to === standby.nodeId ? record : undefined;
      const window = variant.mode === 'window' ? (ours?.window ?? null) : null;
      const problems = variant.mode === 'window' ? windowProblems({ window, stopHeight: cost.stopHeight, producingHeight: cost.producingHeight }, isDue(pool)) : [];
      const s: SwitchoverRecord = { index: i, from: leader.nodeId, to: standby.nodeId, cost, window, windowProblems: problems, commandMs };
      result.switchovers.push(s);
      const w = window === null ? '' : `, window [${window.start}, ${window.end})`;
      o.log(
        `${variant.name} #${i}: ${leader.nodeId} -> ${standby.nodeId}${w}, stop at ${cost.stopHeight ?? '-'}, producing from ${cost.producingHeight ?? '-'}, ` +
        `gap ${cost.gapMs?.toFixed(0) ?? '-'} ms (key ${cost.keyGapMs?.toFixed(0) ?? '-'} ms), missed blocks ${cost.blocksMissed}, chunks ${cost.chunksMissed}` +
        `${cost.overlap ? ', OVERLAP' : ''}${problems.length > 0 ? `, OUTSIDE THE WINDOW: ${problems.join('; ')}` : ''}`,
      );
    }
  } finally {
    result.load[1] = loadavg()[0] ?? 0;
    consulClient.destroy();
    await Promise.all(daemons.map((daemon) => daemon.stop()));
    daemons.forEach((daemon) => liveDaemons.delete(daemon));
    await consul.stop();
    if (o.keep) o.log(`kept ${dir} (validator log: ${logPath})`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

export async function runSwitchoverBench(o: SwitchoverBenchOptions): Promise<SwitchoverBenchResult> {
  // `neard init` of the pool home (createPoolKeys, in this process) writes the epoch length into the genesis every node copies.
  process.env['NEARD_STANDIN_EPOCH_LENGTH'] = String(o.epochLength);
  const startedAt = Date.now();
  const variants: VariantResult[] = [];
  for (const variant of o.variants) {
    o.log(`variant: ${variant.name}, ${o.count} switchovers`);
    variants.push(await runVariant(variant, o));
  }
  const duties = dutyLayoutOf(o.schedule, o.epochLength, o.blockMs);
  return { variants, duties, startedAt, endedAt: Date.now() };
}
