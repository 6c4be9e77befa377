// What /proc says of a process the test does not own (an orphan, a grandchild): its command name,
// whether it still runs, and whether it ignores a signal. A killed orphan stays a zombie until init
// reaps it; a zombie counts as dead.
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

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

/** Whether /proc/<pid>/status has `signal` in the mask `field`; false once the process is gone. */
function inSignalMask(pid: number, field: 'SigIgn' | 'SigCgt', signal: NodeJS.Signals): boolean {
  try {
    const mask = new RegExp(`^${field}:\\s+([0-9a-f]+)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mask !== undefined && ((BigInt(`0x${mask}`) >> BigInt(constants.signals[signal] - 1)) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** Does the process ignore `signal` (SigIgn, e.g. after a shell's `trap '' TERM`)? */
export const ignoresSignal = (pid: number, signal: NodeJS.Signals): boolean => inSignalMask(pid, 'SigIgn', signal);

/** Does the process handle `signal` (SigCgt, e.g. after a shell's `trap 'echo' HUP`)? */
export const catchesSignal = (pid: number, signal: NodeJS.Signals): boolean => inSignalMask(pid, 'SigCgt', signal);
