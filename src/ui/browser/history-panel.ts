/**
 * The /ui page's timeline of validator changes: the pool's history as `kuutamoctl history` shows it, newest
 * first, polled from /ui/history.json (the server reads Consul at most once a second and merges its own
 * entries not in Consul yet). Rows come as display cells computed on the server, so page and CLI agree.
 */
import type { HistoryTable } from '../history-table.js';
import { htmlElement, requireElement } from './dom.js';

const POLL_MS = 2_000;
/** Changes nobody planned: the ones an operator looks into. */
const PLANNED = new Set(['first start', 'switchover', 'restart', 'operator stop']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function asHistoryTable(value: unknown): HistoryTable {
  if (isRecord(value) && Array.isArray(value.columns) && Array.isArray(value.rows) && Array.isArray(value.notes)) return value as unknown as HistoryTable;
  throw new Error('/ui/history.json is not a history table: reload the page');
}

function showNotes(notes: readonly string[]): void {
  const list = requireElement('#timeline-notes', HTMLElement);
  list.replaceChildren();
  for (const note of notes) htmlElement('li', list, note);
}

export function renderHistory(table: HistoryTable): void {
  const head = requireElement('#timeline thead', HTMLTableSectionElement);
  head.replaceChildren();
  const header = htmlElement('tr', head);
  for (const column of table.columns) htmlElement('th', header, column);
  const body = requireElement('#timeline tbody', HTMLTableSectionElement);
  body.replaceChildren();
  for (const change of [...table.rows].reverse()) {
    const row = htmlElement('tr', body);
    // For scripts and tests reading the page, and for the styles.
    row.dataset.id = change.id;
    row.dataset.reason = change.reason;
    row.classList.toggle('unplanned', !PLANNED.has(change.reason));
    row.classList.toggle('pending', change.pending);
    for (const column of table.columns) htmlElement('td', row, change.cells[column]).dataset.column = column;
  }
  showNotes(table.notes);
}

/** Poll forever; a failed poll is shown as a note and retried. */
export function followHistory(): void {
  const poll = async (): Promise<void> => {
    try {
      const response = await fetch('/ui/history.json', { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET /ui/history.json answered ${response.status}`);
      renderHistory(asHistoryTable(await response.json()));
    } catch (error) {
      showNotes([`the pool's history could not be read: ${error instanceof Error ? error.message : String(error)}`]);
    }
    setTimeout(() => void poll(), POLL_MS);
  };
  void poll();
}
