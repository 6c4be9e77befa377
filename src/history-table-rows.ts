/**
 * A HistoryView (src/history-view.ts) as display rows (src/ui/history-table.ts), and those rows as the plain
 * text table `kuutamoctl history` prints: the one place that decides how a change looks, so the CLI and the
 * /ui timeline agree.
 */
import type { HistoryView, HistoryViewEntry } from './history-view.js';
import { formatAge } from './pool-table-rows.js';
import { HISTORY_COLUMNS, type HistoryTable, type HistoryTableRow } from './ui/history-table.js';

const NONE = '-';

/** A completed give-up says how long the pool was without a validator, on two machines' clocks: roughly. */
function detailOf(entry: HistoryViewEntry): string {
  const parts = [entry.detail];
  if (entry.takenAt !== null && entry.to !== null) parts.push(`${entry.to} took over ${formatAge(entry.takenAt - entry.at)} later`);
  if (entry.to === null) parts.push('nobody has taken over yet');
  if (entry.pending) parts.push('not in Consul yet (kept in this node\'s local fallback)');
  return parts.join('; ');
}

function rowOf(entry: HistoryViewEntry): HistoryTableRow {
  return {
    id: entry.id,
    reason: entry.reason,
    pending: entry.pending,
    cells: {
      time: new Date(entry.at).toISOString(),
      from: entry.from ?? NONE,
      to: entry.to ?? NONE,
      reason: entry.reason,
      by: entry.recordedBy,
      detail: detailOf(entry),
    },
  };
}

export function historyTableOf(view: HistoryView): HistoryTable {
  const notes = view.warnings.map((warning) => `warning: ${warning}`);
  if (view.entries.length === 0) notes.push(`No changes of validator recorded for account ${view.accountId}`);
  return { accountId: view.accountId, columns: HISTORY_COLUMNS, rows: view.entries.map(rowOf), notes, readAt: new Date(view.readAt).toISOString() };
}

/** The table as aligned plain text, a header line first (newest change last), then the notes. */
export function formatHistoryTable(table: HistoryTable): string {
  const lines = [table.columns.map((c) => c.toUpperCase()), ...table.rows.map((row) => table.columns.map((c) => row.cells[c]))];
  const widths = table.columns.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)));
  const text = lines.map((cells) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  return [...(table.rows.length > 0 ? text : []), ...table.notes].map((line) => `${line}\n`).join('');
}
