// What one planned switchover cost, read after the fact from the stand-in's shared validator log and its
// sync ends (localnet/neard/validator-log.ts): the old neard's validator_stop, the new one's validator_start
// and the moment it could produce (its start, or for a restarted neard the end of its startup sync: a syncing
// neard holds the key but produces nothing), the heights at those moments, and the pool account's blocks and
// chunks missed over the heights the switchover spanned, by the stand-in's own ledger rules (ledger.ts,
// producing.ts, duty-count.ts). measureSwitchover is pure; readPoolLog is the one read of the files.
import type { Chain } from '../../localnet/neard/chain.js';
import { countDuties } from '../../localnet/neard/duty-count.js';
import { validatingPeriods, type ValidatingPeriod } from '../../localnet/neard/ledger.js';
import { producingFromMs, producingPeriods } from '../../localnet/neard/producing.js';
import type { Schedule } from '../../localnet/neard/schedule.js';
import { readSyncEnds, ValidatorLog, type SyncEndRecord, type ValidatorLogRecord } from '../../localnet/neard/validator-log.js';
import { readFileSync } from 'node:fs';

export interface SwitchoverCost {
  /** The old neard's validator_stop (wall-clock ms); null if none in the switchover's time. */
  stopMs: number | null;
  /** The new neard's validator_start; null if none. */
  startMs: number | null;
  /** When the new neard could produce: its start, or its startup sync's end; null if it had not by the end. */
  producingMs: number | null;
  /** Chain heads at those moments (the last block made by then). */
  stopHeight: number | null;
  startHeight: number | null;
  producingHeight: number | null;
  /** start - stop: the validator key's gap (negative: two processes held it at once). */
  keyGapMs: number | null;
  /** producing - stop: no process producing for the account. Equal to the key gap for a hot swap. */
  gapMs: number | null;
  /** Someone started validating in the switchover's time while another process still validated. */
  overlap: boolean;
  blocksMissed: number;
  chunksMissed: number;
  /** Heights counted: the heads at the switchover's start and when the log was read. */
  fromHeight: number;
  toHeight: number;
}

/** The pool's validator log as read at one moment. */
export interface PoolLog {
  records: ValidatorLogRecord[];
  /** Validating periods by the stand-in's ledger rules (a SIGKILLed pid ends at its last heartbeat). */
  periods: ValidatingPeriod[];
  syncEnds: SyncEndRecord[];
  /** When it was read: a live process's period ends here, so no height after it may be counted. */
  readAtMs: number;
}

export interface PoolChain {
  chain: Chain;
  schedule: Schedule;
  accountId: string;
}

export function readPoolLog(logPath: string, nowMs: number): PoolLog {
  const records = readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as ValidatorLogRecord];
      } catch {
        return []; // a line being appended right now
      }
    });
  return { records, periods: validatingPeriods(new ValidatorLog(logPath, ''), nowMs), syncEnds: readSyncEnds(logPath), readAtMs: nowMs };
}

/**
 * The height from which the account's validator, live when the log was read, has been producing (its start,
 * or its sync end after a restart); null when none validates or it is still syncing. The bench waits for a
 * block past it before asking for a switchover, so a leader's own start is not counted as the switchover's cost.
 */
export function producingSinceHeight(pool: PoolChain, log: PoolLog): number | null {
  const live = log.periods.find((p) => p.accountId === pool.accountId && p.endMs >= log.readAtMs);
  const from = live === undefined ? null : producingFromMs(live, log.syncEnds);
  return from === null ? null : pool.chain.headHeightAt(from);
}

/** The cost of the switchover that began at wall-clock time `fromMs`, up to the moment the log was read. */
export function measureSwitchover(pool: PoolChain, log: PoolLog, fromMs: number): SwitchoverCost {
  const toMs = log.readAtMs;
  const all = log.records.filter((r) => r.account_id === pool.accountId);
  const during = all.filter((r) => r.t_ms >= fromMs && r.t_ms <= toMs);
  const stop = during.find((r) => r.event === 'validator_stop');
  // A start up to a minute before the stop is still this switchover's (an overlap, caught below).
  const start = stop === undefined ? undefined : during.find((r) => r.event === 'validator_start' && r.t_ms >= stop.t_ms - 60_000 && r.pid !== stop.pid);
  let overlap = false;
  const open = new Set<number>();
  for (const r of all.filter((rec) => rec.t_ms <= toMs)) {
    if (r.event === 'validator_start') {
      if (r.t_ms >= fromMs && open.size > 0) overlap = true;
      open.add(r.pid);
    } else {
      open.delete(r.pid);
    }
  }
  const mine = log.periods.filter((p) => p.accountId === pool.accountId);
  const newPeriod = start === undefined ? undefined : mine.find((p) => p.pid === start.pid && p.startMs === start.t_ms);
  const producingMs = newPeriod === undefined ? null : producingFromMs(newPeriod, log.syncEnds);
  const producing = producingMs !== null && producingMs <= toMs ? producingMs : null;
  const heightAt = (ms: number | null) => (ms === null ? null : pool.chain.headHeightAt(ms));
  const fromHeight = pool.chain.headHeightAt(fromMs);
  const toHeight = pool.chain.headHeightAt(toMs);
  const counts = countDuties(pool.chain, pool.schedule, producingPeriods(mine, log.syncEnds), pool.accountId, fromHeight, toHeight);
  return {
    stopMs: stop?.t_ms ?? null,
    startMs: start?.t_ms ?? null,
    producingMs: producing,
    stopHeight: heightAt(stop?.t_ms ?? null),
    startHeight: heightAt(start?.t_ms ?? null),
    producingHeight: heightAt(producing),
    keyGapMs: stop && start ? start.t_ms - stop.t_ms : null,
    gapMs: stop && producing !== null ? producing - stop.t_ms : null,
    overlap,
    blocksMissed: counts.blocksExpected - counts.blocksProduced,
    chunksMissed: counts.chunksExpected - counts.chunksProduced,
    fromHeight,
    toHeight,
  };
}
