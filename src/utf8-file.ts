/**
 * Reading an operator's file (a key file, neard's config.json) as UTF-8 text, with every way it can
 * go wrong (missing, unreadable, a directory, a symlink loop, bytes that are not UTF-8) said in one
 * operator-facing sentence. neard's JSON parser rejects non-UTF-8 files, so we must too, rather than
 * let Node's lenient decoding replace the bad bytes and pass the file on.
 */
import { readFileSync } from 'node:fs';
import { errorMessage } from '../services/error-message.js';
import { OperatorError } from './errors.js';

/** What to tell the operator for an error code of readFileSync. */
function hintFor(code: string | undefined, fix: string): string {
  if (code === 'EISDIR') return `It is a directory; ${fix}.`;
  if (code === 'ELOOP') return `Its symlinks form a loop; ${fix}.`;
  return 'Check the path and its permissions.';
}

/**
 * The file's text. `where` starts each message (the flag or home it came from), `what` names the
 * file (`key file /path`), `fix` says what to do in lower case (`point --validator-key at the JSON file`).
 */
export function readUtf8File(path: string, where: string, what: string, fix: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OperatorError(`${where}: cannot read ${what} (${code ?? errorMessage(error)}). ${hintFor(code, fix)}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OperatorError(`${where}: ${what} is not UTF-8 text; ${fix}.`);
  }
}
