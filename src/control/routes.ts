/**
 * The routes of the control socket (src/control-server.ts), one plugin per feature. Every route that
 * changes anything goes through the failover chart (an event to `actor`) or through Consul with
 * check-and-set: the socket is a door for operators, never a way around the chart or the guard.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ActorRefFrom } from 'xstate';
import type { failoverMachine } from '../../machines/failover.js';
import type { ConsulClient } from '../../services/consul/client.js';
import type { FailoverObserver } from '../failover-observer.js';
import type { Settings } from '../settings.js';
import { buildStateView } from '../state-view.js';
import { maintenanceRoutes } from './maintenance-routes.js';
import { switchoverRoutes } from './switchover-routes.js';
import type { Logger } from 'pino';

export interface ControlDependencies {
  settings: Settings;
  observer: FailoverObserver;
  actor: ActorRefFrom<typeof failoverMachine>;
  consul: ConsulClient;
  logger: Logger;
}

/** GET /v1/node: who answers on this socket, and its state (what /state says on the exporter address). */
const nodeRoutes =
  ({ settings, observer }: ControlDependencies): FastifyPluginAsync =>
  async (app) => {
    app.get('/node', async () => buildStateView(observer, { nodeId: settings.nodeId, accountId: settings.accountId }));
  };

export function controlRoutes(dependencies: ControlDependencies): FastifyPluginAsync[] {
  return [nodeRoutes(dependencies), maintenanceRoutes(dependencies), switchoverRoutes(dependencies)];
}
