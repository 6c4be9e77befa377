/**
 * The HTTP server on the exporter address. Same endpoints as Rust kuutamod (/metrics, /health,
 * /neard-pid; anything else 404) plus /state, the node's state as JSON (serialised by its response
 * schema, src/state-view.ts), /ui, the live state page, and the role and health probes /leader,
 * /standby, /liveness, /readiness (src/probes.ts, docs/probes.md), and /v1/history, the pool's changes of
 * validator with this daemon's entries not in Consul yet (src/history-view.ts).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { DaemonMetrics } from './metrics.js';
import type { FailoverObserver } from './failover-observer.js';
import { failoverMachine } from '../machines/failover.js';
import { buildStateView, STATE_VIEW_SCHEMA } from './state-view.js';
import { uiPlugin } from './ui/ui-plugin.js';
import { probesPlugin } from './probes.js';
import type { PoolTable } from './ui/pool-table.js';
import type { HistoryView } from './history-view.js';

export interface ServerDependencies {
  metrics: DaemonMetrics;
  observer: FailoverObserver;
  identity: { nodeId: string; accountId: string };
  /** The pool table for /ui (read from Consul, cached); the daemon gives it, unit tests may not. */
  pool?: () => Promise<PoolTable>;
  /** The pool's history (Consul's, with this daemon's waiting entries, cached); absent: 404. */
  history?: () => Promise<HistoryView>;
}

export function buildServer({ metrics, observer, identity, pool, history }: ServerDependencies): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/health', async (_request, reply) => reply.type('text/plain').send('OK'));
  app.get('/neard-pid', async (_request, reply) => {
    const pid = observer.snapshot?.context.neardPid;
    return reply.type('text/plain').send(pid ? String(pid) : '');
  });
  app.get('/state', { schema: { response: { 200: STATE_VIEW_SCHEMA } } }, async () => buildStateView(observer, identity));
  app.get('/v1/history', async (_request, reply) => (history === undefined ? reply.code(404).send({ error: 'no history source' }) : history()));
  void app.register(probesPlugin, { observer });
  void app.register(uiPlugin, { observer, identity, machine: failoverMachine, pool, history });
  return app;
}
