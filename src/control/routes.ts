/**
 * The routes of the control socket (src/control-server.ts), one plugin per feature. Every route that
 * changes anything goes through the failover chart (a request event to `actor`, whose answer the route
 * reports) or through Consul with check-and-set (a switchover record the charts then carry out): the
 * socket is a door for operators, never a way around the chart or the guard.
 */
import type { FastifyPluginAsync } from 'fastify';
import { buildStateView, STATE_VIEW_SCHEMA } from '../state-view.js';
import type { ControlDependencies } from './control-dependencies.js';
import { maintenanceRoutes } from './maintenance-routes.js';
import { switchoverRoutes } from './switchover-routes.js';
import { takeoverCheckRoutes } from './takeover-check-routes.js';

/** GET /v1/node: who answers on this socket, and its state (what /state says on the exporter address). */
const nodeRoutes =
  ({ settings, observer }: ControlDependencies): FastifyPluginAsync =>
  async (app) => {
    app.get('/node', { schema: { response: { 200: STATE_VIEW_SCHEMA } } }, async () => buildStateView(observer, { nodeId: settings.nodeId, accountId: settings.accountId }));
  };

export function controlRoutes(dependencies: ControlDependencies): FastifyPluginAsync[] {
  return [nodeRoutes(dependencies), maintenanceRoutes(dependencies), switchoverRoutes(dependencies), takeoverCheckRoutes(dependencies)];
}
