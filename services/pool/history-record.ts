/**
 * The pool's history of validator changes in Consul: `kuutamod-history/<account>`, one key per pool holding
 * `{"entries": [...]}`, the newest HISTORY_LIMIT entries (machines/history-list.ts). This file is its one
 * definition: the key, the check of what Consul returns (never fatal: garbage is named and read as
 * empty) and the one way to write it, appendHistory, by check-and-set on the index just read, so two
 * writers never lose each other's entries.
 */
import { HISTORY_LIMIT, HISTORY_REASONS, historyChanges, mergeHistory, type HistoryEntry, type HistoryReason } from '../../machines/history-list.js';
import type { ConsulClient } from '../consul/client.js';
import { isJsonObject } from '../json-object.js';

export type { HistoryEntry, HistoryReason } from '../../machines/history-list.js';

/** What the history needs of Consul: one key read and written by check-and-set (tests give an in-memory one). */
export type HistoryKv = Pick<ConsulClient, 'readRecord' | 'writeKey'>;

export const HISTORY_PREFIX = 'kuutamod-history';
export const historyKeyOf = (accountId: string): string => `${HISTORY_PREFIX}/${accountId}`;

const isNode = (v: unknown): boolean => v === null || (typeof v === 'string' && v !== '');
const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

const FIELD_TYPES: Record<keyof HistoryEntry, (value: unknown) => boolean> = {
  id: (v) => typeof v === 'string' && v !== '',
  at: isTime,
  from: isNode,
  to: isNode,
  reason: (v) => HISTORY_REASONS.includes(v as HistoryReason),
  detail: (v) => typeof v === 'string',
  recordedBy: (v) => typeof v === 'string',
  takenAt: (v) => v === null || isTime(v),
};

/** An entry as kuutamod writes it, or the name of its first wrong field. */
export function checkHistoryEntry(value: unknown): HistoryEntry | string {
  if (!isJsonObject(value)) return 'not a JSON object';
  for (const [field, valid] of Object.entries(FIELD_TYPES)) {
    if (!valid(value[field])) return `field ${field} is missing or of the wrong type`;
  }
  return value as unknown as HistoryEntry;
}

export interface ParsedHistory {
  entries: HistoryEntry[];
  /** What could not be read, each naming the key: an operator must hear of it, nothing stops on it. */
  problems: string[];
}

/** The key's value as entries; anything unreadable is named in `problems` and left out (never throws). */
export function parseHistory(key: string, text: string | null): ParsedHistory {
  if (text === null || text === '') return { entries: [], problems: [] };
  const empty = (why: string): ParsedHistory => ({ entries: [], problems: [`Consul key ${key}: ${why}; read as empty (the next change of validator replaces it)`] });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return empty('not JSON');
  }
  if (!isJsonObject(value) || !Array.isArray(value['entries'])) return empty('not an object with a list of entries');
  const entries: HistoryEntry[] = [];
  const problems: string[] = [];
  (value['entries'] as unknown[]).forEach((item, index) => {
    const checked = checkHistoryEntry(item);
    if (typeof checked === 'string') problems.push(`Consul key ${key}: entry ${index} left out: ${checked}`);
    else entries.push(checked);
  });
  return { entries, problems };
}

export interface StoredHistory extends ParsedHistory {
  /** The key's ModifyIndex to check-and-set on; 0: the key is absent. */
  modifyIndex: number;
}

/** The pool's history as Consul holds it. Throws only when Consul cannot be read. */
export async function readHistory(consul: HistoryKv, accountId: string): Promise<StoredHistory> {
  const key = historyKeyOf(accountId);
  const record = await consul.readRecord(key);
  if (record === undefined) return { entries: [], problems: [], modifyIndex: 0 };
  return { ...parseHistory(key, record.Value), modifyIndex: record.ModifyIndex };
}

export const historyValue = (entries: readonly HistoryEntry[]): string => JSON.stringify({ entries });

/** Another writer came first every time: the caller keeps the entries and tries again later. */
export class HistoryConflictError extends Error {
  override readonly name = 'HistoryConflictError';
}

/**
 * Merge `additions` into the pool's history (mergeHistory: dedupe by id, completions, the newest `limit`)
 * by check-and-set, read again and retried when another writer came first. Returns the problems of the
 * value it read (garbage is replaced); throws on a Consul failure or after `attempts` lost races.
 */
export async function appendHistory(consul: HistoryKv, accountId: string, additions: readonly HistoryEntry[], limit = HISTORY_LIMIT, attempts = 5): Promise<string[]> {
  const key = historyKeyOf(accountId);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await readHistory(consul, accountId);
    if (!historyChanges(stored.entries, additions, limit) && stored.problems.length === 0) return [];
    const merged = mergeHistory(stored.entries, additions, limit);
    if (await consul.writeKey(key, historyValue(merged), { cas: stored.modifyIndex })) return stored.problems;
  }
  throw new HistoryConflictError(`Consul key ${key}: another writer changed it ${attempts} times in a row`);
}
