/**
 * Checks of NEAR key files (validator_key.json, node_key.json) before neard is ever pointed at them,
 * so a typo in a path, a truncated copy or a key of the wrong type fails at start with the file's name
 * instead of as a neard crash loop.
 */
import bs58 from 'bs58';
import { OperatorError } from './errors.js';
import { readUtf8File } from './utf8-file.js';

export interface NearKeyFile {
  account_id?: string;
  public_key: string;
  /** nearcore writes `secret_key`; files from old versions say `private_key`. */
  secret_key?: string;
  private_key?: string;
}

const SHAPE = 'it must hold "public_key" and "secret_key" strings like "ed25519:<base58>", as neard writes them';

/** ed25519 sizes in nearcore: a 32-byte public key, a 64-byte secret (seed || public key). */
const KEY_BYTES = { public_key: 32, secret_key: 64 } as const;

/** What is wrong with one `ed25519:<base58>` field, or undefined when it is right. */
function keyProblem(field: string, value: string, bytes: number): string | undefined {
  if (!value.startsWith('ed25519:')) return `"${field}" must start with "ed25519:" (validator and node keys are ed25519)`;
  let decoded: Uint8Array;
  try {
    decoded = bs58.decode(value.slice('ed25519:'.length));
  } catch {
    return `"${field}" is not base58`;
  }
  return decoded.length === bytes ? undefined : `"${field}" must be ${bytes} bytes, not ${decoded.length}`;
}

/** Read and validate a key file; `origin` names the flag or variable that pointed at it. */
export function readNearKeyFile(path: string, origin: string): NearKeyFile {
  const text = readUtf8File(path, origin, `key file ${path}`, `point ${origin} at the JSON key file itself`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OperatorError(`${origin}: key file ${path} is not valid JSON (${(error as Error).message}); ${SHAPE}.`);
  }
  const key = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const secretField = key.secret_key !== undefined ? 'secret_key' : 'private_key';
  const secret = key[secretField];
  if (typeof key.public_key !== 'string' || typeof secret !== 'string') {
    throw new OperatorError(`${origin}: key file ${path} must hold "public_key" and "secret_key" strings like "ed25519:<base58>", as neard writes them.`);
  }
  const problem =
    (key.account_id !== undefined && typeof key.account_id !== 'string' ? '"account_id" must be a string' : undefined) ??
    keyProblem('public_key', key.public_key, KEY_BYTES.public_key) ??
    keyProblem(secretField, secret, KEY_BYTES.secret_key);
  if (problem) throw new OperatorError(`${origin}: key file ${path}: ${problem}; ${SHAPE}.`);
  return key as unknown as NearKeyFile;
}
