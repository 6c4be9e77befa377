// A whole gray bench (issue 17): N move trials per fault, then the no-move windows, one after the other
// (never two pools at once: the figures are times). Shared by the CLI (gray.ts) and the smoke test. Two
// presets: the bench proper runs the daemon at its defaults with 1 s blocks; the smoke shortens everything.
import { loadavg } from 'node:os';
import { moveTrial, noMoveTrial, type MoveFault, type MoveResult, type NoMoveFault, type NoMoveResult } from './gray-trials.js';
import type { GrayPoolSettings } from './gray-pool.js';

export interface GrayBenchOptions {
  trials: number;
  moves: readonly MoveFault[];
  windows: readonly NoMoveFault[];
  stallMs: number;
  /** How long the pool is watched after the stall ends (nothing may move then either). */
  stallAftermathMs: number;
  flakyMs: number;
  /** A move not seen within this long after the fault fails its trial (and is reported as such). */
  moveTimeoutMs: number;
  pool: GrayPoolSettings;
  log: (line: string) => void;
}

export interface GrayBenchResult {
  moves: MoveResult[];
  windows: NoMoveResult[];
  startedAt: number;
  endedAt: number;
  /** 1-minute load average at the start and the end: the machine is shared. */
  load: [number, number];
}

/**
 * The daemon's own defaults for the flags test/support/kuutamod.ts sets fast (docs/configuration.md), so the
 * bench runs the daemon as shipped: no --production-* flag, members publishing every 15 s.
 */
export const DAEMON_DEFAULT_FLAGS = [
  '--session-ttl', '30s',
  '--session-renew-interval', '10s',
  '--step-down-after', '25s',
  '--lock-acquire-interval', '30s',
  '--status-interval', '1s',
  '--startup-timeout', '120s',
  '--neard-stop-timeout', '60s',
];

/** The stand-in's own defaults for the knobs test/support/kuutamod.ts makes fast (localnet/neard/README.md). */
export const STANDIN_DEFAULT_ENV = { NEARD_STANDIN_SYNC_MS: '3000', NEARD_STANDIN_STOP_DELAY_MS: '500' };

/** The bench proper: defaults everywhere, 1 s blocks; the grace (2 min) and publish interval (15 s) set the ready wait. */
export const FULL_POOL: GrayPoolSettings = {
  nodes: 2,
  blockMs: 1_000,
  schedule: null,
  daemonArgs: DAEMON_DEFAULT_FLAGS,
  standinEnv: STANDIN_DEFAULT_ENV,
  readyTimeoutMs: 300_000,
  keep: false,
};

/** Production flags of the smoke (as test/integration/gray-failure.test.ts): records twice a second, counts five times. */
export const SMOKE_DAEMON_FLAGS = [
  '--member-publish-interval', '500ms',
  '--production-check-interval', '200ms',
  '--production-grace', '3s',
  '--production-stall', '3s',
];

/** The smoke: test/support/kuutamod.ts's fast timings and 200 ms blocks, one trial of each, short windows. */
export const SMOKE: Omit<GrayBenchOptions, 'log'> = {
  trials: 1,
  moves: ['isolated', 'mute'],
  windows: ['stall', 'flaky'],
  // Longer than the smoke's --production-stall (3 s); 40 duties at 200 ms, 4 of them lost to flaky.
  stallMs: 4_000,
  stallAftermathMs: 3_000,
  flakyMs: 8_000,
  moveTimeoutMs: 30_000,
  pool: { nodes: 2, blockMs: 200, schedule: null, daemonArgs: SMOKE_DAEMON_FLAGS, standinEnv: {}, readyTimeoutMs: 30_000, keep: false },
};

export async function runGrayBench(options: GrayBenchOptions): Promise<GrayBenchResult> {
  const { log } = options;
  const result: GrayBenchResult = { moves: [], windows: [], startedAt: Date.now(), endedAt: 0, load: [loadavg()[0] ?? 0, 0] };
  const s = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);
  for (const fault of options.moves) {
    for (let i = 1; i <= options.trials; i++) {
      const r = await moveTrial(options.pool, fault, i, options.moveTimeoutMs);
      result.moves.push(r);
      log(`${fault} #${i}: ${r.from} -> ${r.to ?? '-'}, first miss ${s(r.missAfterFaultMs)} after the fault, claim ${s(r.claimMs)}, new validator ${s(r.newStartMs)}, first produced ${s(r.latencyMs)} after the first miss, ${r.timing?.missed ?? '-'} duties missed${r.problems.length ? `; PROBLEMS: ${r.problems.join('; ')}` : ''}`);
    }
  }
  for (const fault of options.windows) {
    const windowMs = fault === 'stall' ? options.stallMs : options.flakyMs;
    const r = await noMoveTrial(options.pool, fault, windowMs, fault === 'stall' ? options.stallAftermathMs : 0, options.pool.readyTimeoutMs);
    result.windows.push(r);
    log(`${fault} for ${s(r.windowMs)}${r.aftermathMs > 0 ? ` and ${s(r.aftermathMs)} after` : ''}: ${r.moves} moves, ${r.loss.lost} of ${r.loss.duties} duties lost (longest run ${r.loss.longestRun})${r.healthyAgainMs === null ? '' : `, judged healthy again ${s(r.healthyAgainMs)} after the chain ran again`}${r.problems.length ? `; PROBLEMS: ${r.problems.join('; ')}` : ''}`);
  }
  result.endedAt = Date.now();
  result.load[1] = loadavg()[0] ?? 0;
  return result;
}
