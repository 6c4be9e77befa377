/**
 * The planned-switchover record in Consul: `kuutamod-handover/<account>`, one per pool. This file is its
 * one definition: the key, the check of what Consul returns, and the only two ways to write it:
 * - createHandover: check-and-set on "absent" (cas=0) or on a terminal record's ModifyIndex, so of two
 *   operators asking at once one wins and the other is refused;
 * - moveHandover: check-and-set on the ModifyIndex just read, for the record with this id only, and only
 *   forward (a record that ended, or moved past the phase asked for, is left alone).
 * The record's type and phases are the chart's (machines/failover-events.ts).
 */
import { TERMINAL_HANDOVER_PHASES, type HandoverPhase, type HandoverRecord } from '../../machines/failover-events.js';
import type { ConsulClient } from '../consul/client.js';
import { isJsonObject, parseCheckedRecord } from '../json-object.js';

export type { HandoverPhase, HandoverRecord } from '../../machines/failover-events.js';

export const HANDOVER_PREFIX = 'kuutamod-handover';
export const handoverKeyOf = (accountId: string): string => `${HANDOVER_PREFIX}/${accountId}`;

const PHASES: readonly HandoverPhase[] = ['requested', 'releasing', 'released', 'done', 'failed', 'cancelled'];
/** Phase order (every ended phase ranks last): a write never moves a record backwards. */
export const phaseRank = (phase: HandoverPhase): number => (TERMINAL_HANDOVER_PHASES.includes(phase) ? PHASES.length : PHASES.indexOf(phase));

const isHeight = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isWindow = (v: unknown): boolean => v === null || (isJsonObject(v) && isHeight(v['start']) && isHeight(v['end']));

const FIELD_TYPES: Record<keyof HandoverRecord, (value: unknown) => boolean> = {
  id: (v) => typeof v === 'string' && v !== '',
  from: (v) => typeof v === 'string',
  to: (v) => typeof v === 'string',
  mode: (v) => v === 'now' || v === 'window',
  minimumLength: isHeight,
  window: isWindow,
  requestedAt: (v) => typeof v === 'number',
  requestedBy: (v) => typeof v === 'string',
  phase: (v) => PHASES.includes(v as HandoverPhase),
  deadlineAt: (v) => v === null || typeof v === 'number',
  message: (v) => v === null || typeof v === 'string',
};

/** A record's value as written by kuutamod, or an Error naming the key and the wrong field. */
export function parseHandoverRecord(key: string, text: string | null): HandoverRecord {
  return parseCheckedRecord<HandoverRecord>(key, text, FIELD_TYPES);
}

export const isTerminalPhase = (phase: HandoverPhase): boolean => TERMINAL_HANDOVER_PHASES.includes(phase);

export interface StoredHandover {
  record: HandoverRecord;
  modifyIndex: number;
}

/** The key with no value: no handover was ever asked for in this pool (see ensureHandoverKey). */
const isPlaceholder = (value: string | null): boolean => value === null || value === '';

/**
 * The pool's record (undefined when there is none) and whether its key exists at all. Throws on a record
 * that cannot be read (named).
 */
export async function readHandoverState(consul: ConsulClient, accountId: string): Promise<{ stored: StoredHandover | undefined; keyExists: boolean }> {
  const key = handoverKeyOf(accountId);
  const entry = await consul.readRecord(key);
  if (entry === undefined) return { stored: undefined, keyExists: false };
  if (isPlaceholder(entry.Value)) return { stored: undefined, keyExists: true };
  return { stored: { record: parseHandoverRecord(key, entry.Value), modifyIndex: entry.ModifyIndex }, keyExists: true };
}

/** The pool's record, undefined when there is none. Throws on a record that cannot be read (named). */
export async function readHandover(consul: ConsulClient, accountId: string): Promise<StoredHandover | undefined> {
  return (await readHandoverState(consul, accountId)).stored;
}

/**
 * Create the pool's handover key with no value if it is missing (check-and-set on "absent", so of all
 * the nodes doing this at once one writes and nothing is overwritten). Why: every node watches this key
 * with a blocking query, and Consul answers a blocking query on a MISSING key with the whole KV store's
 * index, so it returns on every write to any nearby key (every member record rewrite of every pool on the
 * cluster). Measured on Consul 1.8.7: a watch on a missing key returned 2 s after a write to
 * kuutamod-members/..., one on an existing key waited its full 8 s. With the key present the watch
 * wakes only when the record changes.
 */
export async function ensureHandoverKey(consul: ConsulClient, accountId: string): Promise<boolean> {
  return consul.writeKey(handoverKeyOf(accountId), '', { cas: 0 });
}

export type CreateOutcome = { created: true } | { created: false; active: HandoverRecord | null };

/**
 * Write a new record (phase requested) unless a handover is active. `active` names the one in the way;
 * null when another writer changed the key between our read and our write (try again to see it).
 */
export async function createHandover(consul: ConsulClient, accountId: string, record: HandoverRecord): Promise<CreateOutcome> {
  const key = handoverKeyOf(accountId);
  const entry = await consul.readRecord(key);
  let cas = 0;
  if (entry !== undefined && isPlaceholder(entry.Value)) {
    cas = entry.ModifyIndex;
  } else if (entry !== undefined) {
    let current: HandoverRecord | undefined;
    try {
      current = parseHandoverRecord(key, entry.Value);
    } catch {
      // An unreadable record blocks nobody: it is replaced, still by check-and-set.
    }
    if (current !== undefined && !isTerminalPhase(current.phase)) return { created: false, active: current };
    cas = entry.ModifyIndex;
  }
  const written = await consul.writeKey(key, JSON.stringify(record), { cas });
  return written ? { created: true } : { created: false, active: null };
}

export type MoveOutcome = 'moved' | 'stale' | 'absent';

/**
 * Move the record `id` to `phase` (with `changes`), by check-and-set, retried when another writer came
 * first. 'stale': the record is another one, has ended, or is already at or past `phase`, or (with
 * `onlyFrom`) is not in that phase when written: a cancel must never land on a handover already under way.
 */
export async function moveHandover(
  consul: ConsulClient,
  accountId: string,
  id: string,
  phase: HandoverPhase,
  changes: Partial<Pick<HandoverRecord, 'message' | 'deadlineAt'>> = {},
  attempts = 5,
  onlyFrom?: HandoverPhase,
): Promise<MoveOutcome> {
  const key = handoverKeyOf(accountId);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await readHandover(consul, accountId);
    if (stored === undefined) return 'absent';
    const { record, modifyIndex } = stored;
    if (record.id !== id || isTerminalPhase(record.phase) || phaseRank(record.phase) >= phaseRank(phase)) return 'stale';
    if (onlyFrom !== undefined && record.phase !== onlyFrom) return 'stale';
    const next: HandoverRecord = { ...record, ...changes, phase };
    if (await consul.writeKey(key, JSON.stringify(next), { cas: modifyIndex })) return 'moved';
  }
  return 'stale';
}
