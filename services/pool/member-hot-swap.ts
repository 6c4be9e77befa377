/**
 * The member record's hot-swap readiness (issue 17): whether this standby's neard already tracks the shards
 * it must produce chunks for after a hot swap. Kept apart from member-record.ts so the record's other fields
 * change without touching it. A record written by a daemon that predates these fields has neither: it reads
 * as hot swap off (null), which is what such a daemon publishes, since it never checks.
 */

export interface HotSwapFields {
  /** null: --validator-key-hot-swap is off (or an older daemon); else whether config.json tracks the validator's shards. */
  hotSwapReady: boolean | null;
  /** Why not plainly ready, as the daemon logged it: not ready, cannot tell, or ready only on a condition; else null. */
  hotSwapReason: string | null;
}

export const HOT_SWAP_OFF: HotSwapFields = { hotSwapReady: null, hotSwapReason: null };

/** Missing (undefined) passes: an older daemon's record. withHotSwapDefaults turns it into null. */
export const HOT_SWAP_FIELD_TYPES: Record<keyof HotSwapFields, (value: unknown) => boolean> = {
  hotSwapReady: (v) => v === undefined || v === null || typeof v === 'boolean',
  hotSwapReason: (v) => v === undefined || v === null || typeof v === 'string',
};

/** A checked record with the fields an older daemon left out set to null, so readers see the declared type. */
export function withHotSwapDefaults<T extends HotSwapFields>(record: T): T {
  return { ...record, hotSwapReady: record.hotSwapReady ?? null, hotSwapReason: record.hotSwapReason ?? null };
}
