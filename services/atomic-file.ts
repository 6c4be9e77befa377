/**
 * Replace a file through a temporary sibling and a rename, so a reader (neard on SIGHUP, a restart after a
 * crash) never finds half a file. Shared by the home layout and the planned-shutdown bookkeeping.
 */
import { renameSync, writeFileSync } from 'node:fs';

export function replaceFile(path: string, content: string): void {
  const temporary = `${path}.kuutamod-${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}
