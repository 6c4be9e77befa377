// Behaviour knobs of the stand-in, read once from the environment (see README.md).
// Every error names the variable and the values it accepts, so a typo fails loudly at startup.
import { parseSchedule, type ScheduleSpec } from './schedule.js';

/** Which maintenance-windows methods exist and how they answer (models neard versions and faults). */
export type WindowsRpcMode = 'stable' | 'experimental' | 'absent' | 'error' | 'garbage';
/** JSON-RPC `validators`: served, absent (an older or trimmed neard), failing, or answering garbage. */
export type ValidatorsRpcMode = 'stable' | 'absent' | 'error' | 'garbage';
/** How a window is serialized: `[s, e]` (older neard) or `{"start": s, "end": e}` (serde's Range). */
export type WindowsShape = 'ranges' | 'pairs';

export interface StandinKnobs {
  /** How long after start the node reports `syncing: true`. */
  syncMs: number;
  /** Graceful shutdown time after SIGTERM/SIGINT (models the RocksDB flush). */
  stopDelayMs: number;
  /**
   * A file holding the shutdown time of a process that holds the validator key when it stops (read then,
   * so a key hot-swapped in counts); empty or absent: stopDelayMs. The chaos harness's slow validator.
   */
  validatorStopDelayFile: string | null;
  /** Block interval: height grows by one every blockMs. */
  blockMs: number;
  /** Blocks the node's head stays behind the network head once synced (a slow node that says it is synced). */
  lagBlocks: number;
  /** Delay before the ports are bound (models opening the database). */
  startupDelayMs: number;
  /** JSON-lines file for validator_start/validator_stop records, if set. */
  validatorLog: string | null;
  /** Per-account block/chunk duties that override the round-robin default. */
  schedule: ScheduleSpec;
  windowsRpc: WindowsRpcMode;
  windowsShape: WindowsShape;
  validatorsRpc: ValidatorsRpcMode;
}

function msFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${name} must be a number >= ${min} (milliseconds), got '${raw}'`);
  }
  return value;
}

/** A whole number of blocks >= 0 (0 when unset). */
function blocksFromEnv(env: NodeJS.ProcessEnv, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number of blocks >= 0, got '${raw}'`);
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  }
  return raw as T;
}

/** NEARD_STANDIN_EPOCH_LENGTH: epoch_length written into genesis.json by `localnet` and `init`. */
export function epochLengthFromEnv(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['NEARD_STANDIN_EPOCH_LENGTH'];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`NEARD_STANDIN_EPOCH_LENGTH must be a whole number of blocks >= 1, got '${raw}'`);
  }
  return value;
}

export function readKnobs(env: NodeJS.ProcessEnv = process.env): StandinKnobs {
  const log = env['NEARD_STANDIN_VALIDATOR_LOG'];
  return {
    syncMs: msFromEnv(env, 'NEARD_STANDIN_SYNC_MS', 3000),
    stopDelayMs: msFromEnv(env, 'NEARD_STANDIN_STOP_DELAY_MS', 500),
    validatorStopDelayFile: env['NEARD_STANDIN_VALIDATOR_STOP_DELAY_FILE'] || null,
    blockMs: msFromEnv(env, 'NEARD_STANDIN_BLOCK_MS', 1000, 1),
    lagBlocks: blocksFromEnv(env, 'NEARD_STANDIN_LAG_BLOCKS'),
    startupDelayMs: msFromEnv(env, 'NEARD_STANDIN_STARTUP_DELAY_MS', 0),
    validatorLog: log !== undefined && log !== '' ? log : null,
    schedule: parseSchedule(env['NEARD_STANDIN_SCHEDULE'] ?? '', 'NEARD_STANDIN_SCHEDULE'),
    windowsRpc: oneOf(env, 'NEARD_STANDIN_WINDOWS_RPC', ['stable', 'experimental', 'absent', 'error', 'garbage'], 'stable'),
    validatorsRpc: oneOf(env, 'NEARD_STANDIN_VALIDATORS_RPC', ['stable', 'absent', 'error', 'garbage'], 'stable'),
    windowsShape: oneOf(env, 'NEARD_STANDIN_WINDOWS_SHAPE', ['ranges', 'pairs'], 'ranges'),
  };
}
