/**
 * Schedule and cancel neard's planned stop on a running neard, for the neard actor (process.ts): write
 * expected_shutdown (planned-shutdown-file.ts), have the guard SIGHUP neard, and believe it only when neard's
 * own /metrics say so (the reload counter went up and near_block_expected_shutdown shows the height).
 * Anything that fails after the write is undone (config.json restored, reloaded again), so nothing is ever
 * left half-scheduled. The answers are outcomes for the chart (NEARD_STOP_SCHEDULED, NEARD_STOP_CANCELLED).
 *
 * SIGHUP also makes neard >= 2.x re-read validator_key.json (hot swap). The guard alone may hand a neard
 * the key, after checking the lease: it refuses the reload while a voter's home holds the key file.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CancelOutcome, ScheduleOutcome } from '../../machines/failover-events.js';
import { errorMessage } from '../error-message.js';
import { FailureError } from '../failure-error.js';
import { readNeardShutdownMetrics, type NeardShutdownMetrics } from './metrics.js';
import { PlannedShutdownFileError, restorePlannedShutdown, writePlannedShutdown, type PlannedShutdownRecord } from './planned-shutdown-file.js';

/** The neard this node runs now, and the one way to make it reload its config. */
export interface PlannedNeard {
  home: string;
  /** Where its /metrics are (from config.json rpc.addr). */
  rpcUrl: string;
  pid: number;
  /** SIGHUP through the neard guard; throws a PlannedShutdownError (busy, gone) when the guard refuses. */
  reload(): Promise<void>;
}

export interface ConfirmTimings {
  /** How long neard has to show the new value in /metrics after SIGHUP. */
  confirmTimeoutMs: number;
  /** Each /metrics request. */
  requestTimeoutMs: number;
}

const POLL_MS = 100;

/** neard has this long to show a new expected_shutdown in /metrics after the reload. */
export const CONFIRM_TIMEOUT_MS = 10_000;

export type PlannedShutdownFailure = 'busy' | 'gone' | 'unconfirmed';

export class PlannedShutdownError extends FailureError<PlannedShutdownFailure> {
  override readonly name = 'PlannedShutdownError';
}


/** Wait until neard's metrics show a reload after `before` and `expected` as its expected_shutdown; the last reading otherwise. */
async function confirmReload(neard: PlannedNeard, before: NeardShutdownMetrics, expected: number | null, timings: ConfirmTimings): Promise<{ confirmed: boolean; last: string }> {
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
async function undo(neard: PlannedNeard, timings: ConfirmTimings): Promise<string | null> {
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
    await neard.reload();
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
 * metrics taken just before.
 */
export async function schedulePlannedShutdown(neard: PlannedNeard, height: number, before: NeardShutdownMetrics, timings: ConfirmTimings): Promise<PlannedShutdownRecord> {
  let record: PlannedShutdownRecord;
  try {
    record = writePlannedShutdown(neard.home, height);
    await neard.reload();
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

export interface CancelResult {
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
export async function cancelPlannedShutdown(home: string, neard: PlannedNeard | null, timings: ConfirmTimings): Promise<CancelResult | null> {
  const before = neard === null ? null : await readNeardShutdownMetrics(neard.rpcUrl, timings.requestTimeoutMs).catch(() => null);
  const restored = restorePlannedShutdown(home);
  if (restored === null) return null;
  const { record, expectedShutdown, keptOperatorValue } = restored;
  const outcome = { record, expectedShutdown, keptOperatorValue };
  if (neard === null) return { ...outcome, confirmed: true, neard: 'neard is not running; it starts with the restored config.json' };
  if (before === null) return { ...outcome, confirmed: false, neard: `neard ${neard.rpcUrl}/metrics did not answer; config.json is restored, so its next start is clean` };
  await neard.reload();
  const { confirmed, last } = await confirmReload(neard, before, expectedShutdown, timings);
  return {
    ...outcome,
    confirmed,
    neard: confirmed
      ? `neard reloaded its config: near_block_expected_shutdown ${expectedShutdown ?? 0}`
      : `neard did not confirm within ${timings.confirmTimeoutMs / 1000}s (${last}); config.json is restored, so its next start is clean`,
  };
}

/** schedulePlannedShutdown as the chart's outcome: it never throws. */
export async function scheduleStopOutcome(neard: PlannedNeard, height: number, timings: ConfirmTimings): Promise<ScheduleOutcome> {
  try {
    const before = await readNeardShutdownMetrics(neard.rpcUrl, timings.requestTimeoutMs);
    const record = await schedulePlannedShutdown(neard, height, before, timings);
    return { ok: true, height, previous: record.previous };
  } catch (error) {
    const failure = error instanceof PlannedShutdownError ? error.failure : error instanceof PlannedShutdownFileError ? 'file' : 'error';
    return { ok: false, failure, message: errorMessage(error) };
  }
}

/** cancelPlannedShutdown as the chart's outcome: it never throws. */
export async function cancelStopOutcome(home: string, neard: PlannedNeard | null, timings: ConfirmTimings): Promise<CancelOutcome> {
  try {
    const result = await cancelPlannedShutdown(home, neard, timings);
    if (result === null) return { ok: false, failure: 'none', message: 'no restart is scheduled by kuutamod on this node: nothing to cancel (see kuutamoctl maintenance-status).' };
    const { record, expectedShutdown, keptOperatorValue, confirmed, neard: said } = result;
    return { ok: true, height: record.height, expectedShutdown, keptOperatorValue, confirmed, neard: said };
  } catch (error) {
    return { ok: false, failure: error instanceof PlannedShutdownFileError ? 'file' : 'error', message: errorMessage(error) };
  }
}
