// Which blocks of an account were produced: a block (or chunk) at height h counts as
// produced when some process held the account's validator key at that block's time, else
// it is missed. The periods come from the shared validator log (so every stand-in of a pool
// agrees) or, without one, from this process's own records.
import { existsSync, readFileSync } from 'node:fs';
import type { Chain } from './chain.js';
import type { Schedule } from './schedule.js';
import { lastHeartbeatMs, wallClockMs, type ValidatorLog, type ValidatorLogRecord } from './validator-log.js';

export interface ValidatingPeriod {
  accountId: string;
  pid: number;
  startMs: number;
  /** Exclusive end: stop record, else now for a live pid, else its last heartbeat. */
  endMs: number;
}

export interface DutyCounts {
  blocksExpected: number;
  blocksProduced: number;
  chunksExpected: number;
  chunksProduced: number;
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

export function validatingPeriods(vlog: ValidatorLog, nowMs: number = wallClockMs()): ValidatingPeriod[] {
  const records = vlog.path === null ? vlog.own : readRecords(vlog.path);
  const open = new Map<string, ValidatorLogRecord>(); // pid + account -> its start record
  const periods: ValidatingPeriod[] = [];
  for (const r of records) {
    const key = `${r.pid}\0${r.account_id}`;
    const start = open.get(key);
    if (r.event === 'validator_start' && !start) open.set(key, r);
    if (r.event === 'validator_stop' && start) {
      periods.push({ accountId: r.account_id, pid: r.pid, startMs: start.t_ms, endMs: r.t_ms });
      open.delete(key);
    }
  }
  for (const start of open.values()) {
    const lastSeen = vlog.path === null ? null : lastHeartbeatMs(vlog.path, start.pid);
    const endMs = pidAlive(start.pid) ? nowMs : Math.max(start.t_ms, lastSeen ?? start.t_ms);
    periods.push({ accountId: start.account_id, pid: start.pid, startMs: start.t_ms, endMs });
  }
  return periods;
}

/** Expected and produced blocks and chunks of an account over heights [from, to]. */
export function countDuties(
  chain: Chain, schedule: Schedule, periods: readonly ValidatingPeriod[], accountId: string, from: number, to: number,
): DutyCounts {
  const mine = periods.filter((p) => p.accountId === accountId);
  const counts: DutyCounts = { blocksExpected: 0, blocksProduced: 0, chunksExpected: 0, chunksProduced: 0 };
  for (let h = from; h <= to; h++) {
    const duty = schedule.duty(accountId, h);
    if (!duty.block && !duty.chunk) continue;
    const t = chain.block(h).timeMs;
    const produced = mine.some((p) => p.startMs <= t && t < p.endMs);
    if (duty.block) {
      counts.blocksExpected++;
      if (produced) counts.blocksProduced++;
    }
    if (duty.chunk) {
      counts.chunksExpected++;
      if (produced) counts.chunksProduced++;
    }
  }
  return counts;
}
