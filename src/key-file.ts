/**
 * Checks of NEAR key files (validator_key.json, node_key.json) before neard is ever pointed at them,
 * so a typo in a path fails at start with the file's name instead of as a neard crash loop.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { errorMessage } from '../services/error-message.js';
import { OperatorError } from './errors.js';

export interface NearKeyFile {
  account_id?: string;
  public_key: string;
  /** nearcore writes `secret_key`; files from old versions say `private_key`. */
  secret_key?: string;
  private_key?: string;
}

/** Read and validate a key file; `origin` names the flag or variable that pointed at it. */
export function readNearKeyFile(path: string, origin: string): NearKeyFile {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new OperatorError(`${origin}: cannot read key file ${path} (${(error as NodeJS.ErrnoException).code}). Check the path and its permissions.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OperatorError(`${origin}: key file ${path} is not valid JSON (${errorMessage(error)}).`);
  }
  const key = parsed as Partial<NearKeyFile> | null;
  const secret = key?.secret_key ?? key?.private_key;
  if (typeof key?.public_key !== 'string' || !/^ed25519:/.test(key.public_key) || typeof secret !== 'string') {
    throw new OperatorError(
      `${origin}: key file ${path} must hold "public_key" and "secret_key" strings like "ed25519:<base58>", as neard writes them.`,
    );
  }
  return key as NearKeyFile;
}
