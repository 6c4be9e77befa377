// What a process costs, read from /proc: resident memory (VmRSS, and the private/shared split of
// smaps_rollup), CPU time (utime + stime), open file descriptors, and the daemon's neard guard (the
// descendant running neard/guard/main.js). The benchmarks read these from outside so they measure the
// real processes without changing the daemon.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { descendants } from '../chaos/proc.js';

/** Clock ticks per second of /proc/<pid>/stat times (100 on every Linux we know, but ask). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Resident set size in bytes; null if the process is gone. */
export function rssBytes(pid: number): number | null {
  return statusBytes(pid, 'VmRSS');
}

/** The highest resident set size the process ever had (VmHWM), in bytes; null if it is gone. */
export function peakRssBytes(pid: number): number | null {
  return statusBytes(pid, 'VmHWM');
}

function statusBytes(pid: number, field: string): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * A process's resident memory split by who else maps it, in MB (/proc/<pid>/smaps_rollup). RSS counts
 * every page the process maps, including the node binary's and libraries' pages that other processes
 * (the daemon and its guard run the same node binary) hold too; USS is what only this process holds.
 */
export interface ProcessMemory {
  /** Resident set size: private + shared. */
  rssMb: number;
  /** Proportional set size: private + each shared page divided by the number of processes mapping it. */
  pssMb: number;
  /** Unique set size: Private_Clean + Private_Dirty, freed when this process exits. */
  ussMb: number;
  /** Shared_Clean + Shared_Dirty: resident pages that at least one other process maps too. */
  sharedMb: number;
}

/** The smaps_rollup split of a process's memory; null if the process is gone. */
export function memoryOf(pid: number): ProcessMemory | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return null;
  }
  const kB = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`/proc/${pid}/smaps_rollup has no ${field} line (Linux 4.14 or newer is needed)`);
    return Number(match[1]) / 1024;
  };
  return {
    rssMb: kB('Rss'),
    pssMb: kB('Pss'),
    ussMb: kB('Private_Clean') + kB('Private_Dirty'),
    sharedMb: kB('Shared_Clean') + kB('Shared_Dirty'),
  };
}

/**
 * What a daemon and its guard occupy together, MB: both private sets plus the shared pages counted once,
 * taken as the larger of the two shared sets. The guard runs the same node binary as the daemon and loads
 * a subset of its modules, so the pages it shares are almost all pages the daemon maps too: the larger set
 * stands for the union. It errs high in that it charges the pair in full for pages other processes hold as
 * well (libc, and in the benchmark the other daemons, guards and neard stand-ins, all node processes).
 */
export function nodeTotalMb(daemon: ProcessMemory, guard: ProcessMemory): number {
  return daemon.ussMb + guard.ussMb + Math.max(daemon.sharedMb, guard.sharedMb);
}

/** CPU seconds used so far (user + system, this process only, not its children); null if gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state(0) ppid(1) ... utime(11) stime(12).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Number of open file descriptors; null if gone. */
export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The neard guard the daemon forked (services/neard/guard/client.ts), or null while it has none. */
export function guardPidOf(daemonPid: number): number | null {
  return descendants(daemonPid).find((pid) => commandLine(pid).includes('neard/guard/main.js')) ?? null;
}

export const MB = 1024 * 1024;
