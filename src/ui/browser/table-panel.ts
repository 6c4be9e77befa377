/**
 * What the /ui page's table panels share (the pool table, the history timeline): a table of display cells
 * computed on the server, its footnotes, and a poll of the JSON that carries them.
 */
import { htmlElement, requireElement } from './dom.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** `value` has a table's shape (columns, rows and notes are arrays); else `problem` is thrown. */
export function asDisplayTable<T>(value: unknown, problem: string): T {
  if (isRecord(value) && Array.isArray(value.columns) && Array.isArray(value.rows) && Array.isArray(value.notes)) return value as unknown as T;
  throw new Error(problem);
}

/** The header and one row per item into `<table id>`; `decorate` marks each row for scripts, tests and styles. */
export function fillTable<C extends string, R extends { cells: Record<C, string> }>(
  tableId: string, columns: readonly C[], rows: readonly R[], decorate: (row: HTMLTableRowElement, item: R) => void,
): void {
  const head = requireElement(`#${tableId} thead`, HTMLTableSectionElement);
  head.replaceChildren();
  const header = htmlElement('tr', head);
  for (const column of columns) htmlElement('th', header, column);
  const body = requireElement(`#${tableId} tbody`, HTMLTableSectionElement);
  body.replaceChildren();
  for (const item of rows) {
    const row = htmlElement('tr', body);
    decorate(row, item);
    for (const column of columns) htmlElement('td', row, item.cells[column]).dataset.column = column;
  }
}

/** The footnotes list `selector`, replaced by `notes`. */
export function fillNotes(selector: string, notes: readonly string[]): void {
  const list = requireElement(selector, HTMLElement);
  list.replaceChildren();
  for (const note of notes) htmlElement('li', list, note);
}

/** Poll `path` forever, every `everyMs`: each answer checked by `parse` and shown by `render`; a failed poll goes to `fail` and is retried. */
export function followJson<T>(path: string, everyMs: number, parse: (value: unknown) => T, render: (value: T) => void, fail: (message: string) => void): void {
  const poll = async (): Promise<void> => {
    try {
      const response = await fetch(path, { cache: 'no-store' });
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
      render(parse(await response.json()));
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    setTimeout(() => void poll(), everyMs);
  };
  void poll();
}
