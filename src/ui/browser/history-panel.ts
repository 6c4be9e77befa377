/**
 * The /ui page's timeline of validator changes: the pool's history as `kuutamoctl history` shows it, newest
 * first, polled from /ui/history.json (the server reads Consul at most once a second and merges its own
 * entries not in Consul yet). Rows come as display cells computed on the server, so page and CLI agree.
 */
import type { HistoryTable } from '../history-table.js';
import { asDisplayTable, fillNotes, fillTable, followJson } from './table-panel.js';

const POLL_MS = 2_000;
/** Changes nobody planned: the ones an operator looks into. */
const PLANNED = new Set(['first start', 'switchover', 'restart', 'operator stop']);

export function renderHistory(table: HistoryTable): void {
  fillTable('timeline', table.columns, [...table.rows].reverse(), (row, change) => {
    // For scripts and tests reading the page, and for the styles.
    row.dataset.id = change.id;
    row.dataset.reason = change.reason;
    row.classList.toggle('unplanned', !PLANNED.has(change.reason));
    row.classList.toggle('pending', change.pending);
  });
  fillNotes('#timeline-notes', table.notes);
}

/** Poll forever; a failed poll is shown as a note and retried. */
export function followHistory(): void {
  followJson(
    '/ui/history.json',
    POLL_MS,
    (value) => asDisplayTable<HistoryTable>(value, '/ui/history.json is not a history table: reload the page'),
    renderHistory,
    (message) => fillNotes('#timeline-notes', [`the pool's history could not be read: ${message}`]),
  );
}
