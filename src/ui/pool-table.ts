/**
 * The pool table as `kuutamoctl list` prints it and the /ui page shows it (GET /ui/members.json): one row
 * of display cells per member, computed once on the server (src/pool-table-rows.ts). Declared here without
 * imports so the page's browser build (tsconfig.browser.json) checks against the same declaration.
 */

export const POOL_COLUMNS = ['node', 'state', 'lock', 'head', 'lag', 'renewed', 'kuutamod', 'neard', 'eligible', 'hotswap', 'production', 'published'] as const;
export type PoolColumn = (typeof POOL_COLUMNS)[number];

export interface PoolTableRow {
  nodeId: string;
  /** Holds the lock per the lock key (the truth), whatever its record says. */
  holdsLock: boolean;
  eligible: boolean;
  /** Display text per column, in POOL_COLUMNS order. */
  cells: Record<PoolColumn, string>;
}

export interface PoolTable {
  accountId: string;
  /** POOL_COLUMNS, sent along: the page imports types only from here (its server serves src/ui/browser/ alone). */
  columns: readonly PoolColumn[];
  rows: PoolTableRow[];
  /** Footnotes: stale records, unreadable records, no members, a failed read. */
  notes: string[];
  /** ISO 8601 time of the Consul read this table shows. */
  readAt: string;
}
