// NEARD_STANDIN_VALIDATOR_LOG: one JSON line per change of validating state, so a chaos
// checker can prove no two processes validated with the same key at once, and so every
// stand-in of a pool can tell which blocks of the pool's account were produced (ledger.ts).
// Written with appendFileSync: the record is on disk before the state it announces begins
// (start) or right when it ends (stop). A SIGKILLed process writes no stop record; the
// checker uses the pid's death instead, and the block ledger the pid's last heartbeat:
// while validating, a process rewrites `<log>.alive/<pid>` with the time (heartbeat()).
// A syncing neard produces nothing: a start record says whether the process's startup sync was over
// (`synced`), and every process appends the end of its startup sync to `<log>.synced` (syncEnded()), so a
// reader can count a restarted validator as producing only from then (producing.ts).
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
  /**
   * On validator_start: false when the process's startup sync had not ended yet (it produces from its
   * `<log>.synced` record on). Absent (stop records, logs written before this field): synced.
   */
  synced?: boolean;
}

/** One line of `<log>.synced`: the moment a process's startup sync ended (its /status says synced from then). */
export interface SyncEndRecord {
  pid: number;
  home: string;
  t_ms: number;
}

export const syncEndsPath = (logPath: string): string => `${logPath}.synced`;

/** Every sync end in `<log>.synced` ([] without the file); a line still being appended is skipped. */
export function readSyncEnds(logPath: string): SyncEndRecord[] {
  let text: string;
  try {
    text = readFileSync(syncEndsPath(logPath), 'utf8');
  } catch {
    return [];
  }
  const ends: SyncEndRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      ends.push(JSON.parse(line) as SyncEndRecord);
    } catch {
      // Being appended by another process right now: complete on the next read.
    }
  }
  return ends;
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

  /** `synced` goes on start records: was this process's startup sync over? */
  write(event: ValidatorEvent, key: { accountId: string; publicKey: string }, synced?: boolean): void {
    const record: ValidatorLogRecord = {
      event,
      pid: process.pid,
      account_id: key.accountId,
      public_key: key.publicKey,
      home: this.home,
      t_ms: wallClockMs(),
      ...(event === 'validator_start' && synced !== undefined ? { synced } : {}),
    };
    this.own.push(record);
    if (this.path !== null) appendFileSync(this.path, JSON.stringify(record) + '\n');
  }

  /** This process's startup sync just ended: append it to `<log>.synced` (with or without a key: a key may come later by SIGHUP). */
  syncEnded(): void {
    if (this.path === null) return;
    const record: SyncEndRecord = { pid: process.pid, home: this.home, t_ms: wallClockMs() };
    try {
      appendFileSync(syncEndsPath(this.path), JSON.stringify(record) + '\n');
    } catch {
      // Bookkeeping for the counters only, as heartbeat(): never a reason for the node to die.
    }
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
