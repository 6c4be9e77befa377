// When a validating period could produce: a syncing neard holds the key but makes no block or chunk, so a
// period that began before its process's startup sync ended (a restarted validator) produces only from that
// process's sync end (`<log>.synced`, validator-log.ts) until the period's end, and not at all if the period
// ended first. Feed the result to countDuties (duty-count.ts) to count its duties before the sync as missed. Pure.
import type { ValidatingPeriod } from './ledger.js';
import type { SyncEndRecord } from './validator-log.js';

/**
 * The time a period starts producing, or null if it never did. A pid's sync end before the period's start
 * belongs to an earlier process with the same pid (that period began unsynced, so its own process had not
 * synced yet), hence the first sync end of the pid at or after the start.
 */
export function producingFromMs(period: ValidatingPeriod, syncEnds: readonly SyncEndRecord[]): number | null {
  if (period.startedSyncing !== true) return period.startMs;
  const ends = syncEnds.filter((s) => s.pid === period.pid && s.t_ms >= period.startMs).map((s) => s.t_ms);
  const synced = ends.length === 0 ? null : Math.min(...ends);
  return synced !== null && synced < period.endMs ? synced : null;
}

/** The periods cut to the part in which they could produce; periods that never synced are dropped. */
export function producingPeriods(periods: readonly ValidatingPeriod[], syncEnds: readonly SyncEndRecord[]): ValidatingPeriod[] {
  return periods.flatMap((p) => {
    const from = producingFromMs(p, syncEnds);
    if (from === null) return [];
    const { startedSyncing: _synced, ...rest } = p; // synced from `from` on: applying this again changes nothing
    return [{ ...rest, startMs: from }];
  });
}
