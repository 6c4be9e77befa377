/**
 * Live processes by process group, from /proc (Linux). Zombies do not count: an orphan reparented
 * to an init that does not reap stays a zombie, and it holds no port, key or lock.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  pgid: number;
  state: string;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): state ppid pgrp ...
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, state: rest[0] ?? '?', pgid: Number(rest[2]), cmdline };
  } catch {
    return null; // gone meanwhile
  }
}

/** Every live (non-zombie) process. */
export function liveProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProc(Number(entry));
    if (info && info.state !== 'Z' && info.state !== 'X') out.push(info);
  }
  return out;
}

export function groupMembers(pgid: number): ProcInfo[] {
  if (process.platform !== 'linux') {
    try {
      process.kill(-pgid, 0);
      return [{ pid: pgid, pgid, state: '?', cmdline: '' }];
    } catch {
      return [];
    }
  }
  return liveProcesses().filter((p) => p.pgid === pgid);
}

/** Signal a whole process group; false if it is already empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
