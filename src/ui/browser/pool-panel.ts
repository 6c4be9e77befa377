/**
 * The pool table of the /ui page: every member of the account as `kuutamoctl list` shows it, polled from
 * /ui/members.json once a second (the server reads Consul at most that often, see pool-table-cache.ts).
 * The rows come as display cells computed on the server, so the page and the CLI cannot disagree.
 */
import type { PoolTable } from '../pool-table.js';
import { asDisplayTable, fillNotes, fillTable, followJson } from './table-panel.js';

const POLL_MS = 1_000;

export function renderPool(table: PoolTable): void {
  fillTable('pool', table.columns, table.rows, (row, member) => {
    // For scripts and tests reading the page, and for the styles: who holds the lock, who may take it.
    row.dataset.node = member.nodeId;
    row.classList.toggle('holds-lock', member.holdsLock);
    row.classList.toggle('ineligible', !member.eligible);
  });
  fillNotes('#pool-notes', table.notes);
}

/** Poll forever; a failed poll is shown as a note and retried. */
export function followPool(): void {
  followJson(
    '/ui/members.json',
    POLL_MS,
    (value) => asDisplayTable<PoolTable>(value, '/ui/members.json is not a pool table: reload the page'),
    renderPool,
    (message) => fillNotes('#pool-notes', [`the pool could not be read: ${message}`]),
  );
}
