/** <data>/running.json: which runner owns the data dir now, and the pids it started. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Layout } from './paths.js';

export interface RunningFile {
  runnerPid: number;
  processes: { name: string; pid: number }[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readRunning(l: Layout): RunningFile | null {
  try {
    return JSON.parse(readFileSync(l.runFile, 'utf8')) as RunningFile;
  } catch {
    return null;
  }
}

/** Two localnets on one data dir would fight over the homes' ports and databases. */
export function assertNotRunning(l: Layout): void {
  const running = readRunning(l);
  if (running && running.runnerPid !== process.pid && alive(running.runnerPid)) {
    throw new Error(`a localnet is already running on ${l.dataDir} (runner pid ${running.runnerPid}); stop it with Ctrl-C or kill ${running.runnerPid}.`);
  }
}

export function writeRunning(l: Layout, value: RunningFile): void {
  writeFileSync(l.runFile, `${JSON.stringify(value, null, 2)}\n`);
}

export function removeRunning(l: Layout): void {
  rmSync(l.runFile, { force: true });
}
