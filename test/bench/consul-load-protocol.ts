// Messages between the Consul load harness (consul-load-generator.ts) and its generator worker processes
// (consul-load-worker.ts), over node's IPC channel (JSON).
import type { ActorTimings } from '../../services/service-timings.js';
import type { SerializedRequestLog } from './request-log.js';
import type { SimulatedState } from './simulated-daemon.js';

export interface SimulatedPool {
  accountId: string;
  nodeIds: string[];
}

export interface WorkerConfig {
  /** Consul HTTP URLs the simulated daemons talk to; daemon i of the whole generator uses urls[i % length]. */
  consulUrls: string[];
  /** Index of this worker's first daemon in the whole generator (spreads daemons over the URLs evenly). */
  firstDaemon: number;
  pools: SimulatedPool[];
  timings: ActorTimings;
  memberPublishIntervalMs: number;
  /** Daemons start spread evenly over this long, as machines do not all boot in the same second. */
  rampMs: number;
}

export type HarnessMessage =
  | { type: 'start'; config: WorkerConfig }
  /** A measurement window begins: forget requests, errors and event-loop delays so far. */
  | { type: 'reset' }
  | { type: 'sample'; id: number }
  /** Stop every simulated daemon as a SIGTERM'd daemon would (sessions destroyed), then exit. */
  | { type: 'stop' };

export interface WorkerSample {
  pid: number;
  daemons: number;
  /** Daemons whose start time has come. */
  started: number;
  states: Record<SimulatedState, number>;
  /** Pools of this worker with exactly one daemon validating. */
  poolsWithLeader: number;
  /** Pools with more than one daemon validating at once (the generator's own check: must stay 0). */
  poolsWithTwoLeaders: number;
  requests: SerializedRequestLog;
  /** Blocking queries held open at the time of the sample, by kind. */
  blockingOpen: Record<string, number>;
  /** CONSUL_ERROR reports of the actors since the last reset, by operation. */
  consulErrors: Record<string, number>;
  /** This process's event-loop delay since the last reset, ms (perf_hooks monitorEventLoopDelay). */
  loopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
}

export type WorkerMessage =
  | { type: 'started' }
  | { type: 'sample'; id: number; sample: WorkerSample }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };
