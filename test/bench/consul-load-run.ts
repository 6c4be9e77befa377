// One run of the Consul load bench: for each pool count a fresh world (consul-load-world.ts), the simulated
// pools established, a warm-up, the measurement window (consul-load-measure.ts), then the real pool's lock
// handover under the load (bench:scale's measureKills), and the world torn down. A pool count that cannot
// be run on this machine is reported with the reason, and the next one is tried.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../services/error-message.js';
import type { LoadResult } from './consul-load-figures.js';
import { measureWindow, waitEstablished } from './consul-load-measure.js';
import { startLoadWorld, type LoadWorld } from './consul-load-world.js';
import { measureKills } from './scale-measure.js';

export interface LoadRunOptions {
  pools: readonly number[];
  daemonsPerPool: number;
  processes: number;
  agents: number;
  rampS: number;
  warmupS: number;
  windowS: number;
  kills: number;
  log: (line: string) => void;
  /** Called with each world while it runs, null once it is stopped (Ctrl-C cleanup). */
  onWorld?: (world: LoadWorld | null) => void;
}

/** How long after the ramp the pools may take to elect their leaders before the run goes on without them. */
const ESTABLISH_GRACE_MS = 120_000;

export const transportOf = (agents: number) => (agents === 0 ? "the 3 servers' HTTP APIs directly (round robin)" : `${agents} Consul client agent(s) (round robin)`);

export async function runConsulLoad(options: LoadRunOptions): Promise<LoadResult[]> {
  const { log } = options;
  const results: LoadResult[] = [];
  for (const pools of options.pools) {
    log(`--- ${pools} pools of ${options.daemonsPerPool} simulated daemons ---`);
    const result: LoadResult = { pools, measure: null, handover: null, broke: null };
    results.push(result);
    let world: LoadWorld | null = null;
    try {
      world = await startLoadWorld({ pools, daemonsPerPool: options.daemonsPerPool, processes: options.processes, agents: options.agents, rampMs: options.rampS * 1000, log });
      options.onWorld?.(world);
      const establishedS = await waitEstablished(world, pools, options.rampS * 1000 + ESTABLISH_GRACE_MS, log);
      log(establishedS === null ? 'not every pool has a leader; measuring anyway' : `every pool has its leader (${establishedS.toFixed(1)} s after the generator started); warm-up ${options.warmupS} s`);
      await sleep(options.warmupS * 1000);
      log(`window ${options.windowS} s`);
      result.measure = await measureWindow(world, { pools, daemonsPerPool: options.daemonsPerPool, transport: transportOf(options.agents), windowS: options.windowS, establishedS });
      const m = result.measure;
      log(`window: ${m.requests.perS.toFixed(1)} requests/s (expected ${m.expected.total.toFixed(1)}), p50/p99 ${m.requests.p50Ms?.toFixed(1)}/${m.requests.p99Ms?.toFixed(1)} ms, raft ${m.telemetry.raftApplyPerS?.toFixed(1) ?? '-'} applies/s, servers ${m.servers.reduce((a, s) => a + s.cpuPct, 0).toFixed(1)} % of a core`);
      if (options.kills > 0) {
        const kills = await measureKills(world, options.kills, log);
        result.handover = { kills: kills.kills, handoverMs: kills.handoverMs, failed: kills.failed };
      }
    } catch (error) {
      result.broke = errorMessage(error);
      log(`run at ${pools} pools broke: ${result.broke}`);
    } finally {
      log('stopping the world');
      await world?.stop().catch((error: unknown) => log(`teardown: ${errorMessage(error)}`));
      options.onWorld?.(null);
    }
  }
  return results;
}
