/**
 * The one metrics registry. Rust kuutamod's three metrics keep their exact names, help texts and types
 * (dashboards of mixed clusters read both), beside the metrics operators need to run a failover pair:
 * lock, session renewals, transitions, fence kills, neard's height and sync, and build info, plus
 * prom-client's default process_* and nodejs_* metrics. Every metric is listed in docs/metrics.md.
 *
 * No metric carries the account or node id: per Prometheus conventions identity is a target label the
 * scrape config adds (deploy/prometheus/prometheus.yml), so one query joins daemon and neard series.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FAILOVER_STATES, type FailoverStateName } from '../machines/failover-context.js';
import { ROLES, type Role } from '../machines/roles.js';
import { watchHeapAfterFullGc } from './heap-after-gc.js';
import { PACKAGE_VERSION } from './package-version.js';

/** How a session renewal ended: renewed, failed to reach Consul, or answered 404 (the session is gone). */
export type RenewalResult = 'success' | 'error' | 'lost';
const RENEWAL_RESULTS: readonly RenewalResult[] = ['success', 'error', 'lost'];

/** What the daemon last learned from neard's /status (null: no answer yet). */
export interface NeardStatusMetrics {
  syncing: boolean | null;
  height: number | null;
}

export interface DaemonMetrics {
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
}

export function createMetrics(startedAt = Date.now(), version = PACKAGE_VERSION): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // Rust kuutamod's three, byte for byte (hence no _total and milliseconds; see docs/metrics.md).
  const state = new Gauge({
    name: 'kuutamod_state',
    help: 'In what state our supervisor statemachine is',
    labelNames: ['type'],
    registers: [registry],
  });
  const role = new Gauge({
    name: 'kuutamod_role',
    help: '1 for the role the node plays for the pool (validator, standby, syncing, stopped), 0 for the others',
    labelNames: ['role'],
    registers: [registry],
  });
  const restarts = new Counter({ name: 'kuutamod_neard_restarts', help: 'How often neard has been restarted', registers: [registry] });
  new Gauge({
    name: 'kuutamod_uptime',
    help: 'Time in milliseconds how long daemon is running',
    registers: [registry],
    collect() {
      this.set(Date.now() - startedAt);
    },
  });

  new Gauge({
    name: 'kuutamod_build_info',
    help: 'Always 1; the version label is the kuutamod-ts package version of this daemon',
    labelNames: ['version'],
    registers,
  }).set({ version }, 1);
  const lockHeld = new Gauge({
    name: 'kuutamod_lock_held',
    help: '1 while this node holds its account\'s Consul lock (kuutamod-leader/<account-id>), else 0',
    registers,
  });
  const renewals = new Counter({
    name: 'kuutamod_session_renewals_total',
    help: 'Consul session renewals by result: success, error (Consul not reached or failed), lost (404: session gone)',
    labelNames: ['result'],
    registers,
  });
  // Every result exists from the start, so increase() sees the first failure.
  for (const result of RENEWAL_RESULTS) renewals.inc({ result }, 0);
  const lastConfirmed = new Gauge({
    name: 'kuutamod_session_renewal_last_success_timestamp_seconds',
    help: 'Unix time Consul last confirmed this node\'s session (created or renewed); 0 before the first; age = time() - value',
    registers,
  });
  const transitions = new Counter({
    name: 'kuutamod_transitions_total',
    help: 'State changes of the supervisor by from and to state (the kuutamod_state types)',
    labelNames: ['from', 'to'],
    registers,
  });
  const fenceKills = new Counter({
    name: 'kuutamod_neard_fence_kills_total',
    help: 'How often the neard guard SIGKILLed a validating neard at the lease deadline (session renewals stopped)',
    registers,
  });
  const headHeight = new Gauge({
    name: 'kuutamod_neard_head_height',
    help: 'Latest block height neard reported on /status (sync_info.latest_block_height); 0 before its first answer',
    registers,
  });
  const syncing = new Gauge({
    name: 'kuutamod_neard_syncing',
    help: '1 unless neard\'s last /status said it is synced (sync_info.syncing false); 1 before its first answer',
    registers,
  });
  syncing.set(1);
  const heapAfterFullGc = new Gauge({
    name: 'kuutamod_heap_after_full_gc_bytes',
    help: 'V8 heap in use right after the last full (mark-compact) garbage collection: the live JS heap, which rises only with a leak; 0 before the first',
    registers,
  });
  watchHeapAfterFullGc((bytes) => heapAfterFullGc.set(bytes));

  let counted = 0;
  return {
    registry,
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
  };
}
