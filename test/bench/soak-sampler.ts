// The soak's resource sampler: every few seconds, for each daemon of the chaos world, its RSS, USS and
// PSS (smaps_rollup), open file descriptors, CPU time, and from its /metrics its event-loop delay and JS
// heap (live after the last full collection, and committed), its guard's RSS, USS and PSS, and the
// pair's node total (both USS plus the shared pages once, proc-usage.ts nodeTotalMb). Samples carry the pids, so a daemon
// restarted by a fault starts a new series instead of looking like a drop.
import type { ChaosWorld } from '../chaos/cluster.js';
import { scrapeDaemon } from './daemon-metrics.js';
import { MB, cpuSeconds, guardPidOf, memoryOf, nodeTotalMb, openFds, rssBytes, type ProcessMemory } from './proc-usage.js';

export interface ResourceSample {
  /** Wall clock ms. */
  t: number;
  node: string;
  daemonPid: number;
  daemonRssMb: number | null;
  daemonFds: number | null;
  daemonCpuS: number | null;
  guardPid: number | null;
  guardRssMb: number | null;
  /** Event-loop delay since the previous scrape; null when /metrics did not answer (e.g. a frozen daemon). */
  eventLoopP99Ms: number | null;
  eventLoopMaxMs: number | null;
  /** The daemon's live JS heap after its last full collection, MB; null before the first or without an answer. */
  daemonHeapAfterGcMb: number | null;
  /** Heap V8 has committed, MB (part of the RSS). */
  daemonHeapCommittedMb: number | null;
  /** MB from /proc/<pid>/smaps_rollup: unique (private) and proportional set sizes; null when unreadable. */
  daemonUssMb: number | null;
  daemonPssMb: number | null;
  guardUssMb: number | null;
  guardPssMb: number | null;
  /** Daemon and guard together: both USS plus the shared pages once (nodeTotalMb); null without a guard. */
  nodeTotalMb: number | null;
}

/** smaps_rollup of a process, or null when it is gone or the kernel has no smaps_rollup. */
function memoryOrNull(pid: number | null): ProcessMemory | null {
  if (pid === null) return null;
  try {
    return memoryOf(pid);
  } catch {
    return null;
  }
}

export class SoakSampler {
  readonly samples: ResourceSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly world: ChaosWorld, private readonly everyMs: number) {}

  start(): void {
    this.timer = setInterval(() => {
      // Never two rounds at once: a frozen daemon makes a scrape wait for its timeout.
      this.running = this.running.then(() => this.sampleOnce());
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sampleOnce(): Promise<void> {
    const t = Date.now();
    await Promise.all(
      this.world.nodes.map(async (node) => {
        const child = node.daemon.process;
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const pid = child.pid;
        const guardPid = guardPidOf(pid);
        const rss = rssBytes(pid);
        const guardRss = guardPid === null ? null : rssBytes(guardPid);
        const memory = memoryOrNull(pid);
        const guardMemory = memoryOrNull(guardPid);
        const report = await scrapeDaemon(node.daemon.url);
        this.samples.push({
          t,
          node: node.name,
          daemonPid: pid,
          daemonRssMb: rss === null ? null : rss / MB,
          daemonFds: openFds(pid),
          daemonCpuS: cpuSeconds(pid),
          guardPid,
          guardRssMb: guardRss === null ? null : guardRss / MB,
          eventLoopP99Ms: report?.eventLoop?.p99Ms ?? null,
          eventLoopMaxMs: report?.eventLoop?.maxMs ?? null,
          daemonHeapAfterGcMb: report?.heapAfterFullGcMb ?? null,
          daemonHeapCommittedMb: report?.heapCommittedMb ?? null,
          daemonUssMb: memory?.ussMb ?? null,
          daemonPssMb: memory?.pssMb ?? null,
          guardUssMb: guardMemory?.ussMb ?? null,
          guardPssMb: guardMemory?.pssMb ?? null,
          nodeTotalMb: memory !== null && guardMemory !== null ? nodeTotalMb(memory, guardMemory) : null,
        });
      }),
    );
  }
}
