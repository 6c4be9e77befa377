// A whole chaos run: start the world, measure idle request rates, run every fault N times, check the
// validator record for overlaps, tear everything down. Shared by the CLI (run.ts) and the CI test.
import { rmSync } from 'node:fs';
import { startWorld, type ChaosWorld } from './cluster.js';
import { FAULTS, faultBoundMs, type Fault, type FaultId } from './faults.js';
import { GRAY_FAULTS } from './gray-faults.js';
import { waitHealthy } from './health.js';
import { measureIdle, type IdleRate } from './idle.js';
import { killTreeOnInterrupt } from './interrupt.js';
import { nowMs } from './proc.js';
import { allOverlaps, type RunSummary } from './report.js';
import { CHAOS_TIMINGS, DEFAULT_DAEMON_TIMINGS, describeTimings, recoveryBoundMs, type ChaosTimings } from './timings.js';
import { runTrial, type TrialResult } from './trial.js';
import { gitRevision } from '../support/git-revision.js';
import { until } from '../support/until.js';

export interface ChaosOptions {
  command: string;
  trials: number;
  /** Trials for the quick faults (1-3, 5); defaults to `trials`. */
  quickTrials?: number;
  daemons: number;
  faults: FaultId[];
  /** Idle window with the chaos timings, seconds (0 = skip). */
  idleSeconds: number;
  /** Idle window with the daemon's default timings (TTL 30 s, renew 10 s), seconds (0 = skip). */
  idleDefaultSeconds: number;
  /** Daemon timings of the trials: the compressed chaos ones (default) or kuutamod's own defaults. */
  timings?: ChaosTimings;
  log: (line: string) => void;
}

const QUICK: FaultId[] = ['neard-kill', 'daemon-kill', 'daemon-term', 'consul-leader-kill'];

/** The running world's temp dir, removed on Ctrl-C too (logs are kept only with CHAOS_KEEP=1). */
let activeDir: string | null = null;

function removeActiveDir(): void {
  if (activeDir && process.env['CHAOS_KEEP'] !== '1') rmSync(activeDir, { recursive: true, force: true });
}

export async function runChaos(options: ChaosOptions): Promise<RunSummary> {
  killTreeOnInterrupt(removeActiveDir);
  const { log } = options;
  const trials: TrialResult[] = [];
  const idle: IdleRate[] = [];
  const skipped: RunSummary['skipped'] = [];
  const commit = gitRevision();
  const timings = options.timings ?? CHAOS_TIMINGS;
  const world = await startWorld({ daemons: options.daemons, timings, log });
  activeDir = world.dir;
  try {
    await waitHealthy(world, 120_000);
    if (options.idleDefaultSeconds > 0) {
      log(`idle window at the daemon's default timings (${options.idleDefaultSeconds} s)`);
      await world.restartAll(DEFAULT_DAEMON_TIMINGS);
      idle.push(...(await measureIdle(world, DEFAULT_DAEMON_TIMINGS, options.idleDefaultSeconds)));
      await world.restartAll(timings);
    }
    if (options.idleSeconds > 0) {
      log(`idle window at the trials' timings (${options.idleSeconds} s)`);
      idle.push(...(await measureIdle(world, timings, options.idleSeconds)));
    }
    for (const r of idle) log(`idle ${r.role} ${r.node}: ${r.perMinute.toFixed(1)}/min ${JSON.stringify(r.byKind)}`);
    for (const fault of FAULTS.filter((f) => options.faults.includes(f.id))) {
      if ((fault.minDaemons ?? 0) > options.daemons) {
        skipped.push({ id: fault.id, title: fault.title, reason: `needs ${fault.minDaemons} daemons (--daemons ${fault.minDaemons})` });
        log(`${fault.id}: skipped, needs ${fault.minDaemons} daemons`);
        continue;
      }
      const n = QUICK.includes(fault.id) ? options.quickTrials ?? options.trials : options.trials;
      await withFaultSetup(world, fault, async () => {
        for (let i = 0; i < n; i++) trials.push(await runTrial(world, fault, i, log));
      });
    }
  } finally {
    // Stopping the world ends every validator: the recorder sees those ends before it stops.
    await world.stop().catch((error) => log(`teardown: ${(error as Error).message}`));
    activeDir = null;
  }
  const overlaps = allOverlaps(world.recorder.intervals, nowMs());
  return {
    command: options.command,
    commit,
    date: new Date().toISOString(),
    timings: describeTimings(timings),
    boundMs: recoveryBoundMs(timings),
    daemons: options.daemons,
    partition: world.partitionMode,
    trials,
    overlaps,
    idle,
    pollGapMs: Math.max(0, ...trials.map((t) => t.pollGapMs)),
    deathUncertaintyMs: Math.max(0, ...world.recorder.intervals.map((i) => i.endUncertaintyMs ?? 0)),
    faults: FAULTS.map((f) => ({ id: f.id, title: f.title, boundMs: faultBoundMs(f, timings), ...(f.boundText === undefined ? {} : { boundText: f.boundText }) })),
    skipped,
  };
}

/**
 * Run `body` with the fault's daemon flags (restarting the daemons if they change) and setup applied (fault 7:
 * validators slow to stop), the setup undone afterwards.
 */
export async function withFaultSetup<T>(world: ChaosWorld, fault: Fault, body: () => Promise<T>): Promise<T> {
  await world.useDaemonFlags(fault.daemonFlags ?? []);
  if (fault.setup) {
    fault.setup(world);
    // The current validator neard started before the setup: replace it so the next one has it.
    await replaceValidatorNeard(world);
  }
  const result = await body();
  if (fault.teardown) {
    fault.teardown(world);
    await replaceValidatorNeard(world);
  }
  return result;
}

/**
 * SIGKILL the validating neard and wait for a healthy pool with another one. Killing neard, not
 * restarting the daemon, keeps every daemon process alive: the soak follows each daemon's memory
 * over hours, and a restart per fault-7 trial left almost no long-lived daemon to follow.
 */
async function replaceValidatorNeard(world: ChaosWorld): Promise<void> {
  const deadline = Date.now() + 120_000;
  const { view } = await waitHealthy(world, 120_000);
  const old = view.neardPid;
  if (old !== null) process.kill(old, 'SIGKILL');
  await until(
    `a healthy pool with another neard than ${old} validating`,
    async () => (await waitHealthy(world, Math.max(1, deadline - Date.now()))).view.neardPid !== old,
    { timeoutMs: 120_000, intervalMs: 100 },
  );
}

export const ALL_FAULTS: FaultId[] = FAULTS.map((f) => f.id);
/** Gray failures (issue 17): judged by the standbys' production check, with their own daemon flags. */
export const GRAY_FAULT_IDS: FaultId[] = GRAY_FAULTS.map((f) => f.id);
/** Process, Consul and mid-handover faults (issues 4, 8): what `npm run chaos` and the soak run by default. */
export const FAILOVER_FAULT_IDS: FaultId[] = ALL_FAULTS.filter((id) => !GRAY_FAULT_IDS.includes(id));

/** A --faults list: fault ids and the group names `failover`, `gray` and `all`; unknown names are returned apart. */
export function parseFaultList(text: string): { faults: FaultId[]; unknown: string[] } {
  const groups: Record<string, FaultId[]> = { failover: FAILOVER_FAULT_IDS, gray: GRAY_FAULT_IDS, all: ALL_FAULTS };
  const names = text.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const unknown = names.filter((n) => groups[n] === undefined && !ALL_FAULTS.includes(n as FaultId));
  const wanted = new Set(names.flatMap((n) => groups[n] ?? [n as FaultId]));
  return { faults: ALL_FAULTS.filter((id) => wanted.has(id)), unknown };
}
