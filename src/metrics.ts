/**
 * The one metrics registry. Rust kuutamod's three metrics keep their exact names, help texts and types
 * (dashboards of mixed clusters read both), beside the metrics operators need to run a failover pair:
 * lock, session renewals, transitions, fence kills, neard's height and sync, and build info, block
 * production (src/production-metrics.ts), plus prom-client's default process_* and nodejs_* metrics. Every
 * metric is listed in docs/metrics.md.
 *
 * No metric carries the account or node id: per Prometheus conventions identity is a target label the
 * scrape config adds (deploy/prometheus/prometheus.yml), so one query joins daemon and neard series.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FAILOVER_STATES, type FailoverStateName } from '../machines/failover-context.js';
import { ROLES, type Role } from '../machines/roles.js';
import { watchHeapAfterFullGc } from './heap-after-gc.js';
import { PACKAGE_VERSION } from './package-version.js';
import { createProductionMetrics, type ProductionMetrics } from './production-metrics.js';

/** How a session renewal ended: renewed, failed to reach Consul, or answered 404 (the session is gone). */
export type RenewalResult = 'success' | 'error' | 'lost';
const RENEWAL_RESULTS: readonly RenewalResult[] = ['success', 'error', 'lost'];

/** What the daemon last learned from neard's /status (null: no answer yet). */
export interface NeardStatusMetrics {
  syncing: boolean | null;
  height: number | null;
}

export interface DaemonMetrics extends ProductionMetrics {
  registry: Registry;
  setState(state: FailoverStateName): void;
  /** The node's role for the pool (machines/roles.ts roleOf). */
  setRole(role: Role): void;
  /** Bring the restart counter up to the chart's count (counters only go up). */
  setNeardRestarts(total: number): void;
  recordTransition(from: FailoverStateName, to: FailoverStateName): void;
  setLockHeld(held: boolean): void;
  recordRenewal(result: RenewalResult): void;
  /** Consul confirmed the session (created or renewed) at this wall-clock time in ms. */
  recordSessionConfirmed(atMs: number): void;
  recordFenceKill(): void;
  setNeardStatus(status: NeardStatusMetrics): void;
  /** With --validator-key-hot-swap: does neard's config.json track the shards a takeover needs (src/hot-swap-readiness.ts)? */
  setHotSwapReady(ready: boolean): void;
}

export function createMetrics(startedAt = Date.now(), version = PACKAGE_VERSION): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Every metric of the daemon is registered in this registry only (no global default registry).
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers });

  // Rust kuutamod's three, byte for byte (hence no _total and milliseconds; see docs/metrics.md).
  const state = gauge('kuutamod_state', 'In what state our supervisor statemachine is', ['type']);
  const role = gauge('kuutamod_role', '1 for the role the node plays for the pool (validator, standby, syncing, stopped), 0 for the others', ['role']);
  const restarts = counter('kuutamod_neard_restarts', 'How often neard has been restarted');
  new Gauge({
    name: 'kuutamod_uptime',
    help: 'Time in milliseconds how long daemon is running',
    registers: [registry],
    collect() {
      this.set(Date.now() - startedAt);
    },
  });

  gauge('kuutamod_build_info', 'Always 1; the version label is the kuutamod-ts package version of this daemon', ['version']).set({ version }, 1);
  const lockHeld = gauge('kuutamod_lock_held', '1 while this node holds its account\'s Consul lock (kuutamod-leader/<account-id>), else 0');
  const renewals = counter('kuutamod_session_renewals_total', 'Consul session renewals by result: success, error (Consul not reached or failed), lost (404: session gone)', ['result']);
  // Every result exists from the start, so increase() sees the first failure.
  for (const result of RENEWAL_RESULTS) renewals.inc({ result }, 0);
  const lastConfirmed = gauge('kuutamod_session_renewal_last_success_timestamp_seconds', 'Unix time Consul last confirmed this node\'s session (created or renewed); 0 before the first; age = time() - value');
  const transitions = counter('kuutamod_transitions_total', 'State changes of the supervisor by from and to state (the kuutamod_state types)', ['from', 'to']);
  const fenceKills = counter('kuutamod_neard_fence_kills_total', 'How often the neard guard SIGKILLed a validating neard at the lease deadline (session renewals stopped)');
  const headHeight = gauge('kuutamod_neard_head_height', 'Latest block height neard reported on /status (sync_info.latest_block_height); 0 before its first answer');
  const syncing = gauge('kuutamod_neard_syncing', '1 unless neard\'s last /status said it is synced (sync_info.syncing false); 1 before its first answer');
  syncing.set(1);
  const heapAfterFullGc = gauge('kuutamod_heap_after_full_gc_bytes', 'V8 heap in use right after the last full (mark-compact) garbage collection: the live JS heap, which rises only with a leak; 0 before the first');
  watchHeapAfterFullGc((bytes) => heapAfterFullGc.set(bytes));

  // Registered at the first verdict only, so the series exists only on a daemon with --validator-key-hot-swap.
  let hotSwapReady: Gauge | undefined;

  let counted = 0;
  return {
    registry,
    ...createProductionMetrics(registry),
    setState(current) {
      for (const name of FAILOVER_STATES) state.set({ type: name }, name === current ? 1 : 0);
    },
    setRole(current) {
      for (const name of ROLES) role.set({ role: name }, name === current ? 1 : 0);
    },
    setNeardRestarts(total) {
      if (total > counted) restarts.inc(total - counted);
      counted = Math.max(counted, total);
    },
    recordTransition: (from, to) => transitions.inc({ from, to }),
    setLockHeld: (held) => lockHeld.set(held ? 1 : 0),
    recordRenewal: (result) => renewals.inc({ result }),
    recordSessionConfirmed: (atMs) => lastConfirmed.set(atMs / 1000),
    recordFenceKill: () => fenceKills.inc(),
    setNeardStatus(status) {
      syncing.set(status.syncing === false ? 0 : 1);
      if (status.height !== null) headHeight.set(status.height);
    },
    setHotSwapReady(ready) {
      hotSwapReady ??= gauge('kuutamod_hot_swap_ready', '1 when neard\'s config.json tracks the shards this node must produce chunks for right after a validator key hot swap, 0 when it does not or cannot be told; only with --validator-key-hot-swap');
      hotSwapReady.set(ready ? 1 : 0);
    },
  };
}
