/**
 * The one metrics registry: Rust kuutamod's three metrics with their exact names, help texts and labels,
 * plus prom-client's process metrics.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FAILOVER_STATES, type FailoverStateName } from '../machines/failover.js';

export interface DaemonMetrics {
  registry: Registry;
  setState(state: FailoverStateName): void;
  /** Bring the restart counter up to the chart's count (counters only go up). */
  setNeardRestarts(total: number): void;
}

export function createMetrics(startedAt = Date.now()): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const state = new Gauge({
    name: 'kuutamod_state',
    help: 'In what state our supervisor statemachine is',
    labelNames: ['type'],
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
  let counted = 0;
  return {
    registry,
    setState(current) {
      for (const name of FAILOVER_STATES) state.set({ type: name }, name === current ? 1 : 0);
    },
    setNeardRestarts(total) {
      if (total > counted) restarts.inc(total - counted);
      counted = Math.max(counted, total);
    },
  };
}
