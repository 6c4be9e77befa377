// What /proc says of a process the test does not own (an orphan, a grandchild): its command name, and
// whether it still runs. A killed orphan stays a zombie until init reaps it; a zombie counts as dead.
import { readFileSync } from 'node:fs';

/** The process's command name, or null once it is gone. */
export function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

export function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The process has a handler for `signal` (its bit in /proc/<pid>/status SigCgt): e.g. a shell's trap is set. */
export function catchesSignal(pid: number, signal: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, { encoding: 'utf8', flag: 'r' });
  const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return caught !== undefined && (BigInt(`0x${caught}`) & (1n << BigInt(signal - 1))) !== 0n;
}
