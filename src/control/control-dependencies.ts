/**
 * What every control-socket route gets: the settings, the chart (`actor`, to send requests to) and its
 * observer (to read answers and report), Consul (for the pool's records) and a logger. Its own file so the
 * route plugins and routes.ts, which lists them, do not import each other.
 */
import type { Logger } from 'pino';
import type { ActorRefFrom } from 'xstate';
import type { failoverMachine } from '../../machines/failover.js';
import type { ConsulClient } from '../../services/consul/client.js';
import type { FailoverObserver } from '../failover-observer.js';
import type { Settings } from '../settings.js';

export type FailoverActor = ActorRefFrom<typeof failoverMachine>;

export interface ControlDependencies {
  settings: Settings;
  observer: FailoverObserver;
  actor: FailoverActor;
  consul: ConsulClient;
  logger: Logger;
}
