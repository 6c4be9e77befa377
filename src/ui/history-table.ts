/**
 * The pool's history of validator changes as `kuutamoctl history` prints it and the /ui timeline shows it
 * (GET /ui/history.json): one row of display cells per change, oldest first, computed once on the server
 * (src/history-view.ts). Declared here without imports so the page's browser build (tsconfig.browser.json)
 * checks against the same declaration.
 */

export const HISTORY_COLUMNS = ['time', 'from', 'to', 'reason', 'by', 'detail'] as const;
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];

export interface HistoryTableRow {
  id: string;
  /** The reason as recorded (crash, switchover, ...): the page styles planned and unplanned changes apart. */
  reason: string;
  /** Not in Consul yet: waiting in this node's local fallback. */
  pending: boolean;
  /** Display text per column, in HISTORY_COLUMNS order. */
  cells: Record<HistoryColumn, string>;
}

export interface HistoryTable {
  accountId: string;
  /** HISTORY_COLUMNS, sent along: the page imports types only from here. */
  columns: readonly HistoryColumn[];
  rows: HistoryTableRow[];
  /** Footnotes: garbage in Consul, a failed read, no changes yet. */
  notes: string[];
  /** ISO 8601 time of the read this table shows. */
  readAt: string;
}
