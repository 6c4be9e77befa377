/** The repository's Procfile: `name: command` lines, as hivemind and foreman read them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface ProcfileEntry {
  name: string;
  command: string;
}

export const PROCFILE = join(REPO_ROOT, 'Procfile');

export function parseProcfile(text: string): ProcfileEntry[] {
  const entries: ProcfileEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9_-]+):\s*(.+?)\s*$/.exec(line);
    if (match?.[1] && match[2]) entries.push({ name: match[1], command: match[2] });
  }
  return entries;
}

export function readProcfile(path = PROCFILE): ProcfileEntry[] {
  return parseProcfile(readFileSync(path, 'utf8'));
}
