/**
 * The pool table of the /ui page: every member of the account as `kuutamoctl list` shows it, polled from
 * /ui/members.json once a second (the server reads Consul at most that often, see pool-table-cache.ts).
 * The rows come as display cells computed on the server, so the page and the CLI cannot disagree.
 */
import type { PoolTable } from '../pool-table.js';
import { htmlElement, requireElement } from './dom.js';

const POLL_MS = 1_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function asPoolTable(value: unknown): PoolTable {
  if (isRecord(value) && Array.isArray(value.columns) && Array.isArray(value.rows) && Array.isArray(value.notes)) return value as unknown as PoolTable;
  throw new Error('/ui/members.json is not a pool table: reload the page');
}

export function renderPool(table: PoolTable): void {
  const head = requireElement('#pool thead', HTMLTableSectionElement);
  head.replaceChildren();
  const header = htmlElement('tr', head);
  for (const column of table.columns) htmlElement('th', header, column);
  const body = requireElement('#pool tbody', HTMLTableSectionElement);
  body.replaceChildren();
  for (const member of table.rows) {
    const row = htmlElement('tr', body);
    // For scripts and tests reading the page, and for the styles: who holds the lock, who may take it.
    row.dataset.node = member.nodeId;
    row.classList.toggle('holds-lock', member.holdsLock);
    row.classList.toggle('ineligible', !member.eligible);
    for (const column of table.columns) htmlElement('td', row, member.cells[column]).dataset.column = column;
  }
  const notes = requireElement('#pool-notes', HTMLElement);
  notes.replaceChildren();
  for (const note of table.notes) htmlElement('li', notes, note);
}

/** Poll forever; a failed poll is shown as a note and retried. */
export function followPool(): void {
  const poll = async (): Promise<void> => {
    try {
      const response = await fetch('/ui/members.json', { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET /ui/members.json answered ${response.status}`);
      renderPool(asPoolTable(await response.json()));
    } catch (error) {
      const notes = requireElement('#pool-notes', HTMLElement);
      notes.replaceChildren();
      htmlElement('li', notes, `the pool could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    setTimeout(() => void poll(), POLL_MS);
  };
  void poll();
}
