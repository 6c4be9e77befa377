/**
 * The local fallback of the pool's history: entries this node made while Consul could not take them, one
 * JSON object a line in `kuutamod-history.jsonl` in the neard home, until they reach Consul (they are
 * merged there by id, so a flush repeated after a crash adds nothing twice). The file is always
 * replaced whole through a rename (atomic-file.ts): a reader or a crash never meets half of it. It is
 * written before each try to reach Consul and removed once Consul has everything, so an entry survives
 * the daemon's end. Lines that cannot be read (a hand edit) are named and skipped.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mergeHistory, type HistoryEntry } from '../../machines/history-list.js';
import { replaceFile } from '../atomic-file.js';
import { errorMessage } from '../error-message.js';
import { checkHistoryEntry } from './history-record.js';

/** The file's name in the neard home. */
export const HISTORY_FALLBACK_FILE = 'kuutamod-history.jsonl';

export interface FallbackRead {
  entries: HistoryEntry[];
  /** Lines that could not be read, each naming the file and line: skipped, never fatal. */
  problems: string[];
}

export function readFallback(path: string): FallbackRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
    return { entries: [], problems: [`${path}: cannot read the history entries waiting for Consul (${errorMessage(error)}); they are lost unless the file is fixed`] };
  }
  const lines: HistoryEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`${path}:${index + 1}: not JSON (a torn write?); line skipped`);
      return;
    }
    const checked = checkHistoryEntry(value);
    if (typeof checked === 'string') problems.push(`${path}:${index + 1}: ${checked}; line skipped`);
    else lines.push(checked);
  });
  return { entries: mergeHistory([], lines), problems };
}

/** Keep only `entries` in the file (none: the file goes). */
export function rewriteFallback(path: string, entries: readonly HistoryEntry[]): void {
  if (entries.length === 0) rmSync(path, { force: true });
  else replaceFile(path, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
}
