/**
 * The pool's history of validator changes as read for people: entries oldest first (by the recording
 * node's clock: display only), each marked when it has not reached Consul yet, and what could not be read.
 * `kuutamoctl history --json` prints it (read from Consul alone), GET /v1/history on the exporter address
 * serves it with the daemon's own waiting entries merged in (services/pool/history-store.ts).
 */
import { displayOrder, type HistoryEntry } from '../machines/history-list.js';
import { readHistory, type HistoryKv } from '../services/pool/history-record.js';
import type { HistoryRead } from '../services/pool/history-store.js';

export interface HistoryViewEntry extends HistoryEntry {
  /** Waiting in the answering daemon's local fallback: Consul does not hold it yet. */
  pending: boolean;
}

export interface HistoryView {
  accountId: string;
  /** Oldest first. */
  entries: HistoryViewEntry[];
  /** Garbage in the Consul key (read as empty), a failed read: in words. */
  warnings: string[];
  /** Wall-clock ms of the read. */
  readAt: number;
}

export function historyViewOf(accountId: string, read: HistoryRead, readAt: number): HistoryView {
  const pending = new Set(read.pendingIds);
  const entries = read.entries.map((entry) => ({ ...entry, pending: pending.has(entry.id) }));
  return { accountId, entries: displayOrder(entries), warnings: read.problems, readAt };
}

/** The history as Consul holds it (kuutamoctl). Throws only when Consul cannot be read. */
export async function readHistoryView(consul: HistoryKv, accountId: string, now: () => number = Date.now): Promise<HistoryView> {
  const { entries, problems } = await readHistory(consul, accountId);
  return historyViewOf(accountId, { entries, pendingIds: [], problems }, now());
}

/** `read` at most once per `maxAgeMs` however many callers ask, one read in flight shared (GET /v1/history, /ui). */
export function cachedHistoryView(read: () => Promise<HistoryView>, maxAgeMs = 1_000): () => Promise<HistoryView> {
  let cached: { view: HistoryView; at: number } | null = null;
  let inFlight: Promise<HistoryView> | null = null;
  return async () => {
    if (cached !== null && Date.now() - cached.at < maxAgeMs) return cached.view;
    inFlight ??= read()
      .then((view) => {
        cached = { view, at: Date.now() };
        return view;
      })
      .finally(() => (inFlight = null));
    return inFlight;
  };
}
