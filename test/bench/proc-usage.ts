// What a process costs, read from /proc: resident memory (VmRSS), CPU time (utime + stime), open file
// descriptors, and the daemon's neard guard (the descendant running neard-guard/main.js). The benchmarks
// read these from outside so they measure the real processes without changing the daemon.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { descendants } from '../chaos/proc.js';

/** Clock ticks per second of /proc/<pid>/stat times (100 on every Linux we know, but ask). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Resident set size in bytes; null if the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
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

/** The neard guard the daemon forked (services/neard-guard/client.ts), or null while it has none. */
export function guardPidOf(daemonPid: number): number | null {
  return descendants(daemonPid).find((pid) => commandLine(pid).includes('neard-guard/main.js')) ?? null;
}

export const MB = 1024 * 1024;
