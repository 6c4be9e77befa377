/**
 * neard's planned stop, as files in its home: `expected_shutdown` in config.json (neard re-reads it on
 * SIGHUP and exits once its head reaches it), and a small record beside it saying what kuutamod wrote and
 * what the operator had there before.
 *
 * Why a record on disk: config.json must be put back before neard starts again, or the new neard would
 * stop at once (its head is already past the height). The daemon may itself be restarted between the
 * schedule and neard's exit, so memory is not enough; the neard actor's home preparation calls
 * restorePlannedShutdown before every start. Every step is idempotent, so a crash at any point is
 * repaired by the next restore.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFile } from '../atomic-file.js';
import { errorMessage } from '../error-message.js';
import { isJsonObject, type JsonObject } from '../json-object.js';

/** The record's name in the neard home. */
export const PLANNED_SHUTDOWN_FILE = 'kuutamod-planned-shutdown.json';

export interface PlannedShutdownRecord {
  /** The expected_shutdown kuutamod wrote into config.json. */
  height: number;
  /** The operator's own expected_shutdown before that; null when there was none. */
  previous: number | null;
}

/** What a restore did, for the log. */
export interface RestoreOutcome {
  record: PlannedShutdownRecord;
  /** expected_shutdown in config.json afterwards (null: none). */
  expectedShutdown: number | null;
  /** The operator changed expected_shutdown after kuutamod wrote it: their value was kept. */
  keptOperatorValue: boolean;
}

/** config.json or the record cannot be used; the message names the file and what to do. */
export class PlannedShutdownFileError extends Error {
  override readonly name = 'PlannedShutdownFileError';
}

const configPathOf = (home: string): string => join(home, 'config.json');
const recordPathOf = (home: string): string => join(home, PLANNED_SHUTDOWN_FILE);

const isHeight = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

interface ConfigFile {
  path: string;
  text: string;
  value: JsonObject;
}

function readConfig(home: string): ConfigFile {
  const path = configPathOf(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PlannedShutdownFileError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}). Check the neard home and its permissions.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlannedShutdownFileError(`${path} is not valid JSON (${errorMessage(error)}). Fix it: neard cannot start with it either. Nothing was changed.`);
  }
  if (!isJsonObject(value)) throw new PlannedShutdownFileError(`${path} must hold a JSON object as neard writes it. Fix it. Nothing was changed.`);
  return { path, text, value };
}

/** expected_shutdown of a parsed config.json: a height, or null when absent or null. */
function shutdownIn(config: ConfigFile): number | null {
  const value = config.value['expected_shutdown'];
  if (value === undefined || value === null) return null;
  if (!isHeight(value)) throw new PlannedShutdownFileError(`${config.path}: expected_shutdown is ${JSON.stringify(value)}, not a block height. Fix or remove it.`);
  return value;
}

/** Write config.json back in the style it was written in: same indentation, same final newline, same key order. */
function writeConfig(config: ConfigFile, expectedShutdown: number | null): void {
  const value = { ...config.value };
  if (expectedShutdown === null) delete value['expected_shutdown'];
  else value['expected_shutdown'] = expectedShutdown;
  // The indentation of the first indented key; none (a one-line file) stays one line.
  const indent = /\n([ \t]+)"/.exec(config.text)?.[1];
  const body = JSON.stringify(value, null, indent);
  replaceFile(config.path, config.text.endsWith('\n') ? `${body}\n` : body);
}

/** expected_shutdown as config.json has it now (null: none). */
export function configuredShutdown(home: string): number | null {
  return shutdownIn(readConfig(home));
}

/** The planned shutdown kuutamod recorded in this home, or null. */
export function readPlannedShutdown(home: string): PlannedShutdownRecord | null {
  const path = recordPathOf(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PlannedShutdownFileError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}). Check its permissions.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const record = value as { height?: unknown; previous?: unknown } | undefined;
  if (!isJsonObject(record) || !isHeight(record.height) || !(record.previous === null || isHeight(record.previous))) {
    throw new PlannedShutdownFileError(
      `${path} is damaged (${text.slice(0, 80)}). Check expected_shutdown in ${configPathOf(home)} by hand, then remove ${path}.`,
    );
  }
  return { height: record.height, previous: record.previous };
}

/**
 * Set expected_shutdown to `height`, remembering the operator's value. The record is written first: a crash
 * before config.json is written leaves a record whose restore finds the operator's value and keeps it.
 * A second schedule keeps the first one's `previous` (the operator's value, not kuutamod's).
 */
export function writePlannedShutdown(home: string, height: number): PlannedShutdownRecord {
  const config = readConfig(home);
  const previous = readPlannedShutdown(home)?.previous ?? shutdownIn(config);
  const record: PlannedShutdownRecord = { height, previous };
  replaceFile(recordPathOf(home), `${JSON.stringify(record)}\n`);
  writeConfig(config, height);
  return record;
}

/**
 * Put config.json back as it was before kuutamod's schedule and drop the record; null when nothing was
 * recorded. expected_shutdown is changed only while it still holds kuutamod's height: a value the operator
 * wrote since is theirs.
 */
export function restorePlannedShutdown(home: string): RestoreOutcome | null {
  const record = readPlannedShutdown(home);
  if (record === null) return null;
  const config = readConfig(home);
  const current = shutdownIn(config);
  const ours = current === record.height;
  if (ours) writeConfig(config, record.previous);
  rmSync(recordPathOf(home), { force: true });
  return { record, expectedShutdown: ours ? record.previous : current, keptOperatorValue: !ours && current !== record.previous };
}
