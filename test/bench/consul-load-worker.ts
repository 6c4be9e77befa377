// A generator worker process of the Consul load bench: many simulated daemons (simulated-daemon.ts) in one
// node process, each with its own Consul client (its own keep-alive connections, as a daemon has), started
// spread over the ramp. The harness forks it and talks to it over IPC (consul-load-protocol.ts); it exits
// when told to stop or when the harness goes away.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { errorMessage } from '../../services/error-message.js';
import type { HarnessMessage, WorkerConfig, WorkerMessage, WorkerSample } from './consul-load-protocol.js';
import { RequestLog } from './request-log.js';
import { SimulatedDaemon, type SimulatedState } from './simulated-daemon.js';
import { TimedConsulClient } from './timed-consul-client.js';

/** A stop that has not finished after this long exits anyway: the sessions' TTLs end what is left. */
const STOP_TIMEOUT_MS = 60_000;

const send = (message: WorkerMessage) => process.send?.(message);
const requests = new RequestLog();
let consulErrors: Record<string, number> = {};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

interface Member {
  daemon: SimulatedDaemon;
  client: TimedConsulClient;
  startTimer: NodeJS.Timeout;
  started: boolean;
}
let pools: Member[][] = [];

function start(config: WorkerConfig): void {
  const total = config.pools.reduce((n, pool) => n + pool.nodeIds.length, 0);
  let index = 0;
  pools = config.pools.map((pool) =>
    pool.nodeIds.map((nodeId) => {
      const url = config.consulUrls[(config.firstDaemon + index) % config.consulUrls.length]!;
      const client = new TimedConsulClient({ url, requestTimeoutMs: config.timings.requestTimeoutMs }, requests);
      const daemon = new SimulatedDaemon({
        consul: client,
        nodeId,
        accountId: pool.accountId,
        timings: config.timings,
        memberPublishIntervalMs: config.memberPublishIntervalMs,
        onConsulError: (operation) => (consulErrors[operation] = (consulErrors[operation] ?? 0) + 1),
      });
      const member: Member = { daemon, client, started: false, startTimer: setTimeout(() => ((member.started = true), daemon.start()), (config.rampMs * index) / Math.max(1, total)) };
      index++;
      return member;
    }),
  );
  send({ type: 'started' });
}

function sample(): WorkerSample {
  const states: Record<SimulatedState, number> = { Registering: 0, Voting: 0, Validating: 0, Stopped: 0 };
  let poolsWithLeader = 0;
  let poolsWithTwoLeaders = 0;
  for (const pool of pools) {
    const leaders = pool.filter((m) => m.daemon.state === 'Validating').length;
    if (leaders === 1) poolsWithLeader++;
    if (leaders > 1) poolsWithTwoLeaders++;
    for (const member of pool) if (member.started) states[member.daemon.state]++;
  }
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  return {
    pid: process.pid,
    daemons: pools.reduce((n, pool) => n + pool.length, 0),
    started: pools.flat().filter((m) => m.started).length,
    states,
    poolsWithLeader,
    poolsWithTwoLeaders,
    requests: requests.toJSON(),
    blockingOpen: requests.openNow(),
    consulErrors: { ...consulErrors },
    loopDelay: { p50Ms: ms(loopDelay.percentile(50)), p99Ms: ms(loopDelay.percentile(99)), maxMs: ms(loopDelay.max) },
  };
}

async function stop(): Promise<void> {
  const members = pools.flat();
  for (const member of members) clearTimeout(member.startTimer);
  const stopping = Promise.all(members.filter((m) => m.started).map((m) => m.daemon.stop()));
  await Promise.race([stopping, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref())]);
  for (const member of members) member.client.destroy();
  send({ type: 'stopped' });
  process.exit(0);
}

process.on('message', (message: HarnessMessage) => {
  try {
    switch (message.type) {
      case 'start':
        start(message.config);
        return;
      case 'reset':
        requests.reset();
        consulErrors = {};
        loopDelay.reset();
        return;
      case 'sample':
        send({ type: 'sample', id: message.id, sample: sample() });
        return;
      case 'stop':
        void stop();
        return;
    }
  } catch (error) {
    send({ type: 'failed', error: errorMessage(error) });
  }
});
// The harness died or was killed: nothing is left to report to.
process.on('disconnect', () => process.exit(0));
