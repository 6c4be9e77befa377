// A soak: three daemons of one pool in the chaos world (3 Consul servers, an agent per daemon, the
// validator recorder and overlap checker running throughout) under a random fault from the chaos
// harness about every --interval seconds, until the time is up, while the sampler records each
// daemon's resources. Faults, trials, healing and the overlap check are the chaos harness's own. The
// pool's account has duties on a dense schedule (--schedule), and the daemons run with the validator key
// hot swap unless --no-hot-swap; at the end the duties missed in each fault's time are counted from the
// shared validator log before the world (and its files) goes (soak-duties.ts).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorld } from '../chaos/cluster.js';
import { FAULTS, type FaultId } from '../chaos/faults.js';
import { waitHealthy } from '../chaos/health.js';
import { killTreeOnInterrupt } from '../chaos/interrupt.js';
import { nowMs } from '../chaos/proc.js';
import { allOverlaps, type RunSummary } from '../chaos/report.js';
import { withFaultSetup } from '../chaos/runner.js';
import { CHAOS_TIMINGS, describeTimings, recoveryBoundMs } from '../chaos/timings.js';
import { runTrial, type TrialResult } from '../chaos/trial.js';
import { Chain } from '../../localnet/neard/chain.js';
import { FaultFeed, faultFilePath } from '../../localnet/neard/fault-file.js';
import { loadGenesis } from '../../localnet/neard/home.js';
import { parseSchedule, Schedule } from '../../localnet/neard/schedule.js';
import { gitRevision } from '../support/git-revision.js';
import { ACCOUNT_ID, FAST_NEARD_ENV } from '../support/kuutamod.js';
import { heapSnapshotNodeOptions, snapshotNodes } from './heap-snapshots.js';
import { seededRandom } from './random.js';
import { warmupMs } from './soak-report.js';
import { soakDuties, type FaultStart, type SegmentDuties } from './soak-duties.js';
import { SoakSampler, type ResourceSample } from './soak-sampler.js';
import { readPoolLog } from './switchover-measure.js';

export interface SoakOptions {
  command: string;
  hours: number;
  /** Mean time between fault starts; each gap is uniform in [0.5, 1.5] x this. */
  intervalS: number;
  sampleS: number;
  faults: FaultId[];
  seed: number;
  /** NEARD_STANDIN_SCHEDULE pattern of the pool's account (its duties from each epoch's first height). */
  schedule: string;
  /** Daemons run with --validator-key-hot-swap: a promotion re-reads the key instead of restarting neard. */
  hotSwap: boolean;
  /** Write heap snapshots here: the first node's daemon and guard after the warm-up, every node's at the end. */
  heapSnapshotsDir?: string;
  log: (line: string) => void;
}

export interface SoakSummary {
  options: Omit<SoakOptions, 'log'>;
  startedAt: number;
  endedAt: number;
  /** The chaos harness's own summary of the trials and overlaps (rendered by test/chaos/report.ts). */
  chaos: RunSummary;
  samples: ResourceSample[];
  /** The pool account's duties, produced or missed, in each fault's time; null if the run never got healthy. */
  duties: { blockMs: number; segments: SegmentDuties[] } | null;
  /** Set when the harness itself gave up (e.g. the world never became healthy again). */
  aborted: string | null;
}

const DAEMONS = 3;
const HEALTHY_TIMEOUT_MS = 120_000;
/** The stand-in's block time in the soak: the harness's fast one, set explicitly so the count's chain is the neards'. */
const BLOCK_MS = Number(FAST_NEARD_ENV.NEARD_STANDIN_BLOCK_MS);

const HOT_SWAP_FLAGS = ['--validator-key-hot-swap'] as const;

export async function runSoak(options: SoakOptions): Promise<SoakSummary> {
  const { log } = options;
  const random = seededRandom(options.seed);
  const faults = FAULTS.filter((f) => options.faults.includes(f.id));
  const trials: TrialResult[] = [];
  const snapshotsDir = options.heapSnapshotsDir;
  if (snapshotsDir !== undefined) {
    mkdirSync(snapshotsDir, { recursive: true });
    // Inherited by the daemons the world spawns and by the guards they fork.
    process.env['NODE_OPTIONS'] = heapSnapshotNodeOptions(snapshotsDir);
  }
  let earlySnapshotDue = snapshotsDir !== undefined;
  const scheduleText = `${ACCOUNT_ID}:${options.schedule}`;
  const world = await startWorld({
    daemons: DAEMONS,
    timings: CHAOS_TIMINGS,
    log,
    standinEnv: { NEARD_STANDIN_SCHEDULE: scheduleText, NEARD_STANDIN_BLOCK_MS: String(BLOCK_MS) },
    daemonFlags: options.hotSwap ? HOT_SWAP_FLAGS : [],
  });
  // Ctrl-C: kill the whole tree and remove the world's temp dir (CHAOS_KEEP=1 keeps it, as in a chaos run).
  killTreeOnInterrupt(() => process.env['CHAOS_KEEP'] !== '1' && rmSync(world.dir, { recursive: true, force: true }));
  const sampler = new SoakSampler(world, options.sampleS * 1000);
  const startedAt = Date.now();
  const commit = gitRevision();
  const end = startedAt + options.hours * 3_600_000;
  let aborted: string | null = null;
  const starts: FaultStart[] = [];
  let healthyMs: number | null = null;
  let duties: SoakSummary['duties'] = null;
  try {
    await waitHealthy(world, HEALTHY_TIMEOUT_MS);
    healthyMs = Date.now();
    sampler.start();
    const done = new Map<FaultId, number>();
    while (Date.now() < end) {
      const fault = faults[Math.floor(random() * faults.length)]!;
      const faultStart = Date.now();
      starts.push({ fault: fault.id, startMs: faultStart });
      const trial = done.get(fault.id) ?? 0;
      done.set(fault.id, trial + 1);
      trials.push(await withFaultSetup(world, fault, () => runTrial(world, fault, trial, log)));
      // Between faults, once warm: only one node, so the other two keep an undisturbed RSS series.
      if (earlySnapshotDue && Date.now() >= startedAt + warmupMs(options.hours)) {
        earlySnapshotDue = false;
        await snapshotNodes(snapshotsDir!, world.nodes.slice(0, 1), 'early', log);
      }
      const next = faultStart + options.intervalS * 1000 * (0.5 + random());
      await sleep(Math.max(0, Math.min(next, end) - Date.now()));
    }
    if (snapshotsDir !== undefined) await snapshotNodes(snapshotsDir, world.nodes, 'late', log);
  } catch (error) {
    aborted = (error as Error).message;
    log(`soak aborted: ${aborted}`);
  } finally {
    // Read while the world's files exist and before stopping the daemons ends their validating periods.
    if (healthyMs !== null) {
      try {
        duties = { blockMs: BLOCK_MS, segments: countDuties(world.dir, world.recorder.path, scheduleText, starts, healthyMs, Date.now()) };
      } catch (error) {
        aborted ??= `counting the duties: ${(error as Error).message}`;
        log(`soak: ${aborted}`);
      }
    }
    await sampler.stop();
    await world.stop().catch((error) => log(`teardown: ${(error as Error).message}`));
  }
  const { log: _log, ...rest } = options;
  return {
    options: rest,
    startedAt,
    endedAt: Date.now(),
    chaos: {
      command: options.command,
      commit,
      date: new Date().toISOString(),
      timings: describeTimings(CHAOS_TIMINGS),
      boundMs: recoveryBoundMs(CHAOS_TIMINGS),
      daemons: DAEMONS,
      partition: world.partitionMode,
      trials,
      overlaps: allOverlaps(world.recorder.intervals, nowMs()),
      idle: [],
      pollGapMs: Math.max(0, ...trials.map((t) => t.pollGapMs)),
      deathUncertaintyMs: Math.max(0, ...world.recorder.intervals.map((i) => i.endUncertaintyMs ?? 0)),
      faults: FAULTS.map((f) => ({ id: f.id, title: f.title })),
      skipped: [],
    },
    samples: sampler.samples,
    duties,
    aborted,
  };
}

/** The pool's chain, schedule, validator log and fault file as the stand-ins count them, read now. */
function countDuties(worldDir: string, validatorLog: string, scheduleText: string, starts: readonly FaultStart[], healthyMs: number, endMs: number): SegmentDuties[] {
  const faults = new FaultFeed(faultFilePath(validatorLog, '.')).timeline();
  const chain = new Chain(loadGenesis(join(worldDir, 'pool', 'genesis.json')), BLOCK_MS, 0, () => faults.stalls());
  const pool = { chain, schedule: new Schedule(chain, parseSchedule(scheduleText, '--schedule')), accountId: ACCOUNT_ID };
  return soakDuties(pool, readPoolLog(validatorLog, endMs), faults, starts, healthyMs, endMs);
}
