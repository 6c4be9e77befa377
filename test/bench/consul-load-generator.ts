// The harness's side of the Consul load generator: forks the worker processes (consul-load-worker.ts),
// gives each a contiguous slice of the simulated pools, and asks them for samples. Workers are separate
// processes so that the harness, which times the real pool's handover, never waits behind the generator's
// event loop, and so the generator's own CPU can be read from /proc like the servers'.
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActorTimings } from '../../services/service-timings.js';
import { slices } from './consul-load-plan.js';
import type { HarnessMessage, SimulatedPool, WorkerMessage, WorkerSample } from './consul-load-protocol.js';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'consul-load-worker.js');
/** A worker that does not answer a sample within this long is reported stuck (it is CPU-starved or hung). */
const SAMPLE_TIMEOUT_MS = 60_000;
/** How long a worker may take to stop its daemons (each destroys its session) before it is killed. */
const STOP_TIMEOUT_MS = 90_000;

export interface GeneratorOptions {
  processes: number;
  consulUrls: string[];
  pools: SimulatedPool[];
  timings: ActorTimings;
  memberPublishIntervalMs: number;
  rampMs: number;
}

export interface Generator {
  /** The worker processes' pids, for /proc. */
  pids: number[];
  /** Start a measurement window in every worker. */
  reset(): void;
  sample(): Promise<WorkerSample[]>;
  /** Stop every simulated daemon (sessions destroyed) and the workers. */
  stop(): Promise<void>;
}

interface Worker {
  child: ChildProcess;
  waiting: Map<number, (sample: WorkerSample) => void>;
  failure: string | null;
}

export async function startGenerator(options: GeneratorOptions): Promise<Generator> {
  const workers: Worker[] = [];
  let nextId = 1;
  let firstDaemon = 0;
  try {
    for (const pools of slices(options.pools, options.processes)) {
      const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
      const worker: Worker = { child, waiting: new Map(), failure: null };
      workers.push(worker);
      const started = new Promise<void>((resolve, reject) => {
        child.on('message', (message: WorkerMessage) => {
          if (message.type === 'started') resolve();
          if (message.type === 'sample') worker.waiting.get(message.id)?.(message.sample);
          if (message.type === 'failed') worker.failure = message.error;
        });
        child.once('exit', (code, signal) => {
          worker.failure ??= `generator worker ${child.pid} exited (${code ?? signal})`;
          reject(new Error(worker.failure));
        });
      });
      const send = (message: HarnessMessage) => child.send(message);
      send({ type: 'start', config: { consulUrls: options.consulUrls, firstDaemon, pools, timings: options.timings, memberPublishIntervalMs: options.memberPublishIntervalMs, rampMs: options.rampMs } });
      firstDaemon += pools.reduce((n, pool) => n + pool.nodeIds.length, 0);
      await started;
    }
  } catch (error) {
    for (const worker of workers) worker.child.kill('SIGKILL');
    throw error;
  }

  const sampleOf = (worker: Worker) =>
    new Promise<WorkerSample>((resolve, reject) => {
      if (worker.failure !== null) return reject(new Error(worker.failure));
      const id = nextId++;
      const timer = setTimeout(() => {
        worker.waiting.delete(id);
        reject(new Error(`generator worker ${worker.child.pid} did not answer a sample within ${SAMPLE_TIMEOUT_MS / 1000} s`));
      }, SAMPLE_TIMEOUT_MS);
      worker.waiting.set(id, (sample) => {
        clearTimeout(timer);
        worker.waiting.delete(id);
        resolve(sample);
      });
      worker.child.send({ type: 'sample', id } satisfies HarnessMessage);
    });

  const stopOne = (worker: Worker) =>
    new Promise<void>((resolve) => {
      const { child } = worker;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.send({ type: 'stop' } satisfies HarnessMessage);
    });

  return {
    pids: workers.map((w) => w.child.pid ?? -1),
    reset: () => {
      for (const worker of workers) worker.child.send({ type: 'reset' } satisfies HarnessMessage);
    },
    sample: () => Promise.all(workers.map(sampleOf)),
    stop: async () => {
      await Promise.all(workers.map(stopOne));
    },
  };
}
