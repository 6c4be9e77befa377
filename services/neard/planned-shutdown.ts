/**
 * Schedule and cancel neard's planned stop on a running neard: write expected_shutdown (planned-shutdown-file.ts),
 * SIGHUP neard, and believe it only when neard's own /metrics say so (the reload counter went up and
 * near_block_expected_shutdown shows the height). Anything that fails after the write is undone (config.json
 * restored, SIGHUP again), so nothing is ever left half-scheduled.
 *
 * SIGHUP also makes neard >= 2.x re-read validator_key.json (hot swap). The guard alone may hand a neard
 * the key, after checking the lease: so a SIGHUP is sent only when it cannot add a key, i.e. when no key
 * file is in the home, or the neard already runs as validator with it.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NeardMode } from '../../machines/failover-events.js';
import { errorMessage } from '../error-message.js';
import { readNeardShutdownMetrics, type NeardShutdownMetrics } from './metrics.js';
import { PlannedShutdownFileError, restorePlannedShutdown, writePlannedShutdown, type PlannedShutdownRecord } from './planned-shutdown-file.js';

/** The neard this node runs now, as the chart knows it. */
export interface RunningNeard {
  home: string;
  /** Where its /metrics are (from config.json rpc.addr). */
  rpcUrl: string;
  pid: number;
  mode: NeardMode;
}

export interface ConfirmTimings {
  /** How long neard has to show the new value in /metrics after SIGHUP. */
  confirmTimeoutMs: number;
  /** Each /metrics request. */
  requestTimeoutMs: number;
}

const POLL_MS = 100;

export type PlannedShutdownFailure = 'busy' | 'gone' | 'unconfirmed';

export class PlannedShutdownError extends Error {
  override readonly name = 'PlannedShutdownError';
  constructor(
    readonly failure: PlannedShutdownFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** SIGHUP neard, unless that could hand it the validator key behind the guard's back (see the file comment). */
function reloadNeardConfig(neard: RunningNeard): void {
  const keyFile = join(neard.home, 'validator_key.json');
  if (neard.mode !== 'validator' && lstatSync(keyFile, { throwIfNoEntry: false }) !== undefined) {
    throw new PlannedShutdownError('busy', `${keyFile} is being handed to neard (a promotion is under way): try again in a moment`);
  }
  try {
    process.kill(neard.pid, 'SIGHUP');
  } catch (error) {
    throw new PlannedShutdownError('gone', `cannot signal neard (pid ${neard.pid}): ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
}

/** Wait until neard's metrics show a reload after `before` and `expected` as its expected_shutdown; the last reading otherwise. */
async function confirmReload(neard: RunningNeard, before: NeardShutdownMetrics, expected: number | null, timings: ConfirmTimings): Promise<{ confirmed: boolean; last: string }> {
  const deadline = Date.now() + timings.confirmTimeoutMs;
  for (;;) {
    let last: string;
    try {
      const now = await readNeardShutdownMetrics(neard.rpcUrl, timings.requestTimeoutMs);
      if (now.configReloads > before.configReloads && now.expectedShutdown === expected) return { confirmed: true, last: '' };
      last = `near_config_reloads_total ${now.configReloads} (was ${before.configReloads}), near_block_expected_shutdown ${now.expectedShutdown ?? 0}`;
    } catch (error) {
      last = errorMessage(error);
    }
    if (Date.now() >= deadline) return { confirmed: false, last };
    await sleep(POLL_MS);
  }
}

const describeValue = (height: number | null): string => (height === null ? 'none' : String(height));

/** Put config.json back and tell neard; says in words what could and could not be done (null: nothing was written). */
async function undo(neard: RunningNeard, timings: ConfirmTimings): Promise<string | null> {
  let value: number | null;
  try {
    // No record: nothing was written (the record goes first), and neard was not signalled.
    const restored = restorePlannedShutdown(neard.home);
    if (restored === null) return null;
    value = restored.expectedShutdown;
  } catch (error) {
    return `config.json could not be restored: ${errorMessage(error)}`;
  }
  try {
    const before = await readNeardShutdownMetrics(neard.rpcUrl, timings.requestTimeoutMs);
    if (before.expectedShutdown === value) return `config.json restored (expected_shutdown ${describeValue(value)}), neard holds the same`;
    reloadNeardConfig(neard);
    const { confirmed, last } = await confirmReload(neard, before, value, timings);
    return confirmed
      ? `config.json restored (expected_shutdown ${describeValue(value)}) and reloaded by neard`
      : `config.json restored (expected_shutdown ${describeValue(value)}), but neard did not confirm the reload (${last}); it is put right before neard's next start`;
  } catch (error) {
    return `config.json restored (expected_shutdown ${describeValue(value)}); neard: ${errorMessage(error)}; it is put right before neard's next start`;
  }
}

/**
 * Make the running neard stop once its head reaches `height`. Resolves once neard confirmed it; otherwise
 * everything is undone and a PlannedShutdownError says what happened. `before` is a reading of neard's
 * metrics taken earlier; the write and the SIGHUP happen before this function first waits, so a caller
 * that checked the chart's view of neard just before calling acts on that view.
 */
export async function schedulePlannedShutdown(neard: RunningNeard, height: number, before: NeardShutdownMetrics, timings: ConfirmTimings): Promise<PlannedShutdownRecord> {
  let record: PlannedShutdownRecord;
  try {
    record = writePlannedShutdown(neard.home, height);
    reloadNeardConfig(neard);
  } catch (error) {
    const undone = await undo(neard, timings);
    const message = undone === null ? errorMessage(error) : `${errorMessage(error)}; ${undone}`;
    if (error instanceof PlannedShutdownError) throw new PlannedShutdownError(error.failure, message, { cause: error });
    if (error instanceof PlannedShutdownFileError) throw new PlannedShutdownFileError(message, { cause: error });
    throw new Error(message, { cause: error });
  }
  const { confirmed, last } = await confirmReload(neard, before, height, timings);
  if (confirmed) return record;
  const undone = (await undo(neard, timings)) ?? 'config.json was already back as before';
  throw new PlannedShutdownError(
    'unconfirmed',
    `neard (pid ${neard.pid}) did not confirm expected_shutdown ${height} within ${timings.confirmTimeoutMs / 1000}s (${last}); nothing is scheduled: ${undone}`,
  );
}

export interface CancelOutcome {
  record: PlannedShutdownRecord;
  /** expected_shutdown in config.json and (if confirmed) in neard now. */
  expectedShutdown: number | null;
  /** The operator changed expected_shutdown after kuutamod wrote it; their value stays. */
  keptOperatorValue: boolean;
  /** In words, for the operator: what neard now holds. */
  neard: string;
  confirmed: boolean;
}

/**
 * Undo kuutamod's schedule: config.json back as before, SIGHUP, confirmed through /metrics. null when
 * nothing was scheduled by kuutamod. `neard` null: no neard runs, the files alone are put back.
 */
export async function cancelPlannedShutdown(home: string, neard: RunningNeard | null, timings: ConfirmTimings): Promise<CancelOutcome | null> {
  const before = neard === null ? null : await readNeardShutdownMetrics(neard.rpcUrl, timings.requestTimeoutMs).catch(() => null);
  const restored = restorePlannedShutdown(home);
  if (restored === null) return null;
  const { record, expectedShutdown, keptOperatorValue } = restored;
  const outcome = { record, expectedShutdown, keptOperatorValue };
  if (neard === null) return { ...outcome, confirmed: true, neard: 'neard is not running; it starts with the restored config.json' };
  if (before === null) return { ...outcome, confirmed: false, neard: `neard ${neard.rpcUrl}/metrics did not answer; config.json is restored, so its next start is clean` };
  reloadNeardConfig(neard);
  const { confirmed, last } = await confirmReload(neard, before, expectedShutdown, timings);
  return {
    ...outcome,
    confirmed,
    neard: confirmed
      ? `neard reloaded its config: near_block_expected_shutdown ${expectedShutdown ?? 0}`
      : `neard did not confirm within ${timings.confirmTimeoutMs / 1000}s (${last}); config.json is restored, so its next start is clean`,
  };
}
