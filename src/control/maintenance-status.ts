/**
 * What GET /v1/maintenance answers (kuutamoctl maintenance-status, and restart --wait's polling): the
 * planned stop as config.json has it and as neard holds it (its /metrics), the head, blocks left and an
 * estimate of the time left.
 */
import { roleOf, type Role } from '../../machines/roles.js';
import { errorMessage } from '../../services/error-message.js';
import { readNeardShutdownMetrics } from '../../services/neard/metrics.js';
import { configuredShutdown, readPlannedShutdown, type PlannedShutdownRecord } from '../../services/neard/planned-shutdown-file.js';
import type { FailoverObserver } from '../failover-observer.js';
import { measureBlockTimeMs } from './block-time.js';

export interface MaintenanceStatus {
  nodeId: string;
  state: string | null;
  /** The node's role for the pool (machines/roles.ts); null before the chart's first snapshot. */
  role: Role | null;
  neardPid: number | null;
  /** Counts every restart of neard (kuutamod_neard_restarts): --wait sees the planned one here. */
  neardRestarts: number;
  /** kuutamod's schedule (kuutamoctl restart), null when none. */
  planned: PlannedShutdownRecord | null;
  /** expected_shutdown in config.json, kuutamod's or the operator's; null: none. */
  configExpectedShutdown: number | null;
  /** expected_shutdown the running neard holds (near_block_expected_shutdown); null: none or no answer. */
  neardExpectedShutdown: number | null;
  head: number | null;
  blocksLeft: number | null;
  /** Measured over a few seconds when asked for and something is scheduled. */
  blockTimeMs: number | null;
  secondsLeft: number | null;
  /** Why neard's side is unknown (not running, /metrics not answering). */
  neardError: string | null;
}

export interface StatusSources {
  nodeId: string;
  home: string;
  rpcUrl: string;
  observer: FailoverObserver;
  requestTimeoutMs: number;
}

/** How long the block time is measured for, when asked. */
const BLOCK_TIME_SAMPLE_MS = 3_000;

export async function readMaintenanceStatus(sources: StatusSources, estimate: boolean): Promise<MaintenanceStatus> {
  const snapshot = sources.observer.snapshot ?? undefined;
  const context = snapshot?.context;
  const neardPid = context?.neardPid ?? null;
  let neard: { head: number; expectedShutdown: number | null } | null = null;
  let neardError: string | null = neardPid === null ? 'neard is not running' : null;
  if (neardPid !== null) {
    try {
      neard = await readNeardShutdownMetrics(sources.rpcUrl, sources.requestTimeoutMs);
    } catch (error) {
      neardError = errorMessage(error);
    }
  }
  const configExpectedShutdown = configuredShutdown(sources.home);
  const target = neard?.expectedShutdown ?? configExpectedShutdown;
  const head = neard?.head ?? null;
  const blocksLeft = target !== null && head !== null ? Math.max(0, target - head) : null;
  let blockTimeMs: number | null = null;
  if (estimate && blocksLeft !== null && blocksLeft > 0) {
    const measured = await measureBlockTimeMs(sources.rpcUrl, BLOCK_TIME_SAMPLE_MS, sources.requestTimeoutMs).catch(() => null);
    blockTimeMs = measured === null ? null : Math.round(measured);
  }
  return {
    nodeId: sources.nodeId,
    state: sources.observer.currentState,
    role: snapshot === undefined ? null : roleOf(snapshot),
    neardPid,
    neardRestarts: context?.neardRestarts ?? 0,
    planned: readPlannedShutdown(sources.home),
    configExpectedShutdown,
    neardExpectedShutdown: neard?.expectedShutdown ?? null,
    head,
    blocksLeft,
    blockTimeMs,
    secondsLeft: blockTimeMs !== null && blocksLeft !== null ? Math.round((blocksLeft * blockTimeMs) / 100) / 10 : null,
    neardError,
  };
}
