// NEARD_STANDIN_VALIDATOR_LOG: one JSON line per change of validating state, so a chaos
// checker can prove no two processes validated with the same key at once, and so every
// stand-in of a pool can tell which blocks of the pool's account were produced (ledger.ts).
// Written with appendFileSync: the record is on disk before the state it announces begins
// (start) or right when it ends (stop). A SIGKILLed process writes no stop record; the
// checker uses the pid's death instead, and the block ledger the pid's last heartbeat:
// while validating, a process rewrites `<log>.alive/<pid>` with the time (heartbeat()).
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export type ValidatorEvent = 'validator_start' | 'validator_stop';

export interface ValidatorLogRecord {
  event: ValidatorEvent;
  pid: number;
  account_id: string;
  public_key: string;
  home: string;
  /** High-resolution wall clock in milliseconds (fractional). */
  t_ms: number;
}

export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

const heartbeatDir = (logPath: string): string => `${logPath}.alive`;

/** The last heartbeat time of a pid, or null if it never wrote one. */
export function lastHeartbeatMs(logPath: string, pid: number): number | null {
  try {
    const value = Number(readFileSync(join(heartbeatDir(logPath), String(pid)), 'utf8'));
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

export class ValidatorLog {
  /** This process's own records, kept even without a file: the ledger when there is no shared log. */
  readonly own: ValidatorLogRecord[] = [];

  constructor(readonly path: string | null, private readonly home: string) {}

  write(event: ValidatorEvent, key: { accountId: string; publicKey: string }): void {
    const record: ValidatorLogRecord = {
      event,
      pid: process.pid,
      account_id: key.accountId,
      public_key: key.publicKey,
      home: this.home,
      t_ms: wallClockMs(),
    };
    this.own.push(record);
    if (this.path !== null) appendFileSync(this.path, JSON.stringify(record) + '\n');
  }

  private heartbeatFile(path: string): string {
    return join(heartbeatDir(path), String(process.pid));
  }

  /** "Still validating at this time": bounds the period of a process that dies without a stop record. */
  heartbeat(): void {
    if (this.path === null) return;
    try {
      mkdirSync(heartbeatDir(this.path), { recursive: true });
      const file = this.heartbeatFile(this.path);
      // Write then rename, so a reader never sees a half-written time.
      writeFileSync(`${file}.tmp`, String(wallClockMs()));
      renameSync(`${file}.tmp`, file);
    } catch {
      // Bookkeeping for the counters only (e.g. a test removed the log's folder): never a reason
      // for the node to die; a missing heartbeat only makes a later kill count as earlier.
    }
  }

  /** After the stop record the heartbeat says nothing more; a later process with this pid starts afresh. */
  dropHeartbeat(): void {
    if (this.path === null) return;
    try {
      rmSync(this.heartbeatFile(this.path), { force: true });
    } catch {
      // Same as heartbeat(): a leftover file is harmless, a crash at exit is not.
    }
  }
}
