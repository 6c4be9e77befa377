// Who validated when: the validating periods behind the produced/missed counts (duty-count.ts).
// They come from the shared validator log (so every stand-in of a pool agrees) or, without one,
// from this process's own records.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lastHeartbeatMs, wallClockMs, type ValidatorLog, type ValidatorLogRecord } from './validator-log.js';

export interface ValidatingPeriod {
  accountId: string;
  pid: number;
  /** The neard home (absolute) it ran in: a fault of that home (fault-timeline.ts) applies to its duties. */
  home: string;
  startMs: number;
  /** Exclusive end: stop record, else now for a live pid, else its last heartbeat. */
  endMs: number;
  /**
   * It began before its process's startup sync ended (validator_start with `synced: false`): it can produce
   * only from the sync end on (producing.ts). The stand-in's own counters do not apply this yet.
   */
  startedSyncing?: true;
}

function readRecords(path: string): ValidatorLogRecord[] {
  if (!existsSync(path)) return [];
  const records: ValidatorLogRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as ValidatorLogRecord);
    } catch {
      // A line being appended right now by another process: it is complete on the next read.
    }
  }
  return records;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const syncing = (start: ValidatorLogRecord): { startedSyncing?: true } => (start.synced === false ? { startedSyncing: true } : {});

export function validatingPeriods(vlog: ValidatorLog, nowMs: number = wallClockMs()): ValidatingPeriod[] {
  const records = vlog.path === null ? vlog.own : readRecords(vlog.path);
  const open = new Map<string, ValidatorLogRecord>(); // pid + account -> its start record
  const periods: ValidatingPeriod[] = [];
  for (const r of records) {
    const key = `${r.pid}\0${r.account_id}`;
    const start = open.get(key);
    if (r.event === 'validator_start' && !start) open.set(key, r);
    if (r.event === 'validator_stop' && start) {
      periods.push({ accountId: r.account_id, pid: r.pid, home: resolve(start.home), startMs: start.t_ms, endMs: r.t_ms, ...syncing(start) });
      open.delete(key);
    }
  }
  for (const start of open.values()) {
    const lastSeen = vlog.path === null ? null : lastHeartbeatMs(vlog.path, start.pid);
    const endMs = pidAlive(start.pid) ? nowMs : Math.max(start.t_ms, lastSeen ?? start.t_ms);
    periods.push({ accountId: start.account_id, pid: start.pid, home: resolve(start.home), startMs: start.t_ms, endMs, ...syncing(start) });
  }
  return periods;
}
