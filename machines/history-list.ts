/**
 * The pool's history of validator changes (issue 18) as a bounded list, and the pure rules over it: how
 * new entries and completions merge into what Consul holds (dedupe by id, so a retried or flushed write
 * never adds a change twice), and which entry an old leader left open for its successor to complete.
 *
 * Two kinds of entry: the node that TAKES the role records {from, to: itself}; a leader that GIVES the role
 * up by itself (its neard crashed, it stepped down, it was stopped) records {from: itself, to: null} at
 * once, and its successor completes that same entry (same id) with `to`, so one change is one entry. An
 * entry that reached Consul late (written while Consul was unreachable) may stay open for good: it is shown,
 * never completed by a later, unrelated takeover (openGiveUpOf). Wall-clock times are for display only:
 * the rules here read list order, never `at`.
 */

/** Why the validator changed. */
export const HISTORY_REASONS = [
  /** No earlier validator known to the pool's history or to the new leader: the pool's first leader. */
  'first start',
  /** The old leader's neard exited, hung (restarted after failing /status) or could not be started. */
  'crash',
  /** The old leader's daemon vanished without a word: its member record expired or stopped being rewritten. */
  'daemon lost',
  /** The old leader's daemon was stopped gracefully (SIGTERM, SIGINT, ...). */
  'operator stop',
  /** A planned `kuutamoctl switchover`. */
  'switchover',
  /** A planned `kuutamoctl restart` of the leader (a switchover in a maintenance window). */
  'restart',
  /** A production move (issue 17): a standby saw the leader not producing and asked for the role. */
  'production',
  /** The old leader's own planned handover failed (the candidate did not validate in time): it took the role back. */
  'handover failed',
  /** The leader stepped down because it could not renew its Consul session (or Consul ended the session). */
  'consul outage',
  /** Reserved for --failsafe (issue 18): a leader without Consul that lost a member's confirmation. Nothing emits it yet. */
  'failsafe step-down',
  /** The old leader's daemon runs but recorded nothing (an older kuutamod), or this node stopped before it knew. */
  'unknown',
] as const;
export type HistoryReason = (typeof HISTORY_REASONS)[number];

export interface HistoryEntry {
  /** Random: the same change written twice (a retry, a flush of the local fallback) is kept once. */
  id: string;
  /** Wall-clock ms of the change on the recording node's clock (display only). */
  at: number;
  /** The validator before; null: none known (first start). */
  from: string | null;
  /** The validator after; null: the old leader gave the role up and nobody has taken it over yet. */
  to: string | null;
  reason: HistoryReason;
  /** In words, for the operator: the exit code, the requester, what was seen. */
  detail: string;
  /** Node id of the daemon that wrote the entry (the old leader for a give-up, else the new one). */
  recordedBy: string;
  /** Wall-clock ms on the new leader's clock when it completed an old leader's give-up (null: not a completed give-up). */
  takenAt: number | null;
}

/** How many entries Consul keeps; the oldest are dropped. */
export const HISTORY_LIMIT = 100;

/**
 * `stored` with `additions` merged in, in order: an entry already there (same id) is kept, unless the
 * addition completes it (it was open, the addition names `to`); the rest are appended. The newest `limit`
 * entries are kept.
 */
export function mergeHistory(stored: readonly HistoryEntry[], additions: readonly HistoryEntry[], limit = HISTORY_LIMIT): HistoryEntry[] {
  const merged = [...stored];
  for (const entry of additions) {
    const at = merged.findIndex((known) => known.id === entry.id);
    if (at < 0) merged.push(entry);
    else if (merged[at]!.to === null && entry.to !== null) merged[at] = entry;
  }
  return merged.slice(-limit);
}

/** Would merging `additions` change `stored` (so a write is needed)? */
export function historyChanges(stored: readonly HistoryEntry[], additions: readonly HistoryEntry[], limit = HISTORY_LIMIT): boolean {
  const merged = mergeHistory(stored, additions, limit);
  return merged.length !== stored.length || merged.some((entry, i) => entry !== stored[i]);
}

/**
 * `node`'s give-up that nobody has taken over from yet: the newest entry naming `node` (as from or to) is
 * its own entry with no `to`. A later entry about `node` (someone took over from it, it took the role again)
 * closes it, so an old give-up that reached Consul late is never completed by an unrelated takeover.
 */
export function openGiveUpOf(entries: readonly HistoryEntry[], node: string): HistoryEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.from !== node && entry.to !== node) continue;
    return entry.from === node && entry.to === null ? entry : undefined;
  }
  return undefined;
}

/** The first of `nodes` with an open give-up (see openGiveUpOf). */
export function openGiveUpAmong(entries: readonly HistoryEntry[], nodes: readonly string[]): HistoryEntry | undefined {
  for (const node of nodes) {
    const open = openGiveUpOf(entries, node);
    if (open !== undefined) return open;
  }
  return undefined;
}

/** The validator by the history: the `to` of the newest entry that names one (null: none). */
export function lastValidatorOf(entries: readonly HistoryEntry[]): string | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const to = entries[i]!.to;
    if (to !== null) return to;
  }
  return null;
}

/** The old leader's give-up, completed by the node that took the role. */
export const completeGiveUp = (giveUp: HistoryEntry, nodeId: string, takenAt: number): HistoryEntry => ({ ...giveUp, to: nodeId, takenAt });

/** Oldest first by the recorder's clock, for people (stable: equal times keep the stored order). */
export function displayOrder<T extends Pick<HistoryEntry, 'at'>>(entries: readonly T[]): T[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.at - b.entry.at || a.index - b.index)
    .map(({ entry }) => entry);
}
