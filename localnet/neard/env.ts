// Behaviour knobs of the stand-in, read once from the environment (see README.md).

export interface StandinKnobs {
  /** How long after start the node reports `syncing: true`. */
  syncMs: number;
  /** Graceful shutdown time after SIGTERM/SIGINT (models the RocksDB flush). */
  stopDelayMs: number;
  /** Block interval: height grows by one every blockMs. */
  blockMs: number;
  /** Delay before the ports are bound (models opening the database). */
  startupDelayMs: number;
  /** JSON-lines file for validator_start/validator_stop records, if set. */
  validatorLog: string | null;
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

export function readKnobs(env: NodeJS.ProcessEnv = process.env): StandinKnobs {
  const log = env['NEARD_STANDIN_VALIDATOR_LOG'];
  return {
    syncMs: msFromEnv(env, 'NEARD_STANDIN_SYNC_MS', 3000),
    stopDelayMs: msFromEnv(env, 'NEARD_STANDIN_STOP_DELAY_MS', 500),
    blockMs: msFromEnv(env, 'NEARD_STANDIN_BLOCK_MS', 1000, 1),
    startupDelayMs: msFromEnv(env, 'NEARD_STANDIN_STARTUP_DELAY_MS', 0),
    validatorLog: log !== undefined && log !== '' ? log : null,
  };
}
