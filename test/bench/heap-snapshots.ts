// Heap snapshots of running daemons and guards, for the soak's --heap-snapshots: they are started with
// node's --heapsnapshot-signal, and a SIGUSR2 makes a process collect fully and write its heap to the
// diagnostic directory. Two snapshots of one process, early and late, diffed by heap-diff.ts, show
// which objects a leak keeps. Writing one stalls the process for about a second and raises its RSS for
// a while, so the soak takes the early one of a single node only and the late ones after the faults.
import { readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosNode } from '../chaos/cluster.js';
import { guardPidOf } from './proc-usage.js';
import { untilValue } from '../support/until.js';

export const SNAPSHOT_SIGNAL = 'SIGUSR2';

/** NODE_OPTIONS for the processes a soak starts (daemons, and the guards they fork) to write snapshots to `dir`. */
export function heapSnapshotNodeOptions(dir: string, inherited = process.env['NODE_OPTIONS'] ?? ''): string {
  return `${inherited} --heapsnapshot-signal=${SNAPSHOT_SIGNAL} --diagnostic-dir=${dir}`.trim();
}

const WRITE_TIMEOUT_MS = 120_000;

/** Snapshot one process and name the file `<label>-<role>-<pid>.heapsnapshot`; returns its path. */
async function snapshotProcess(dir: string, pid: number, name: string): Promise<string> {
  const mine = () => readdirSync(dir).filter((file) => file.startsWith('Heap.') && file.includes(`.${pid}.`) && file.endsWith('.heapsnapshot'));
  const before = new Set(mine());
  process.kill(pid, SNAPSHOT_SIGNAL);
  let lastSize = -1;
  // Done when the file stopped growing between two looks and ends the JSON document (the process writes it in one go).
  const path = await untilValue(
    `a complete heap snapshot of pid ${pid} in ${dir}`,
    () => {
      const file = mine().find((f) => !before.has(f));
      if (file === undefined) return undefined;
      const found = join(dir, file);
      const size = statSync(found).size;
      const done = size === lastSize && size > 0 && readFileSync(found, 'utf8').trimEnd().endsWith('}');
      lastSize = size;
      return done ? found : undefined;
    },
    { timeoutMs: WRITE_TIMEOUT_MS, intervalMs: 500 },
  );
  const target = join(dir, `${name}.heapsnapshot`);
  renameSync(path, target);
  return target;
}

/** Snapshots of each node's daemon and guard, one process at a time; names start with `label`. */
export async function snapshotNodes(dir: string, nodes: readonly ChaosNode[], label: string, log: (line: string) => void): Promise<string[]> {
  const written: string[] = [];
  for (const node of nodes) {
    const daemonPid = node.daemon.process.pid;
    if (daemonPid === undefined || node.daemon.process.exitCode !== null) continue;
    const guardPid = guardPidOf(daemonPid);
    for (const [role, pid] of [['daemon', daemonPid], ['guard', guardPid]] as const) {
      if (pid === null) continue;
      const path = await snapshotProcess(dir, pid, `${label}-${node.name}-${role}-${pid}`);
      log(`heap snapshot: ${path} (${(statSync(path).size / 1024 / 1024).toFixed(1)} MB)`);
      written.push(path);
    }
  }
  return written;
}
