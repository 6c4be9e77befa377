// ed25519 key files in nearcore's exact format:
// {"account_id": "...", "public_key": "ed25519:<base58 32 bytes>", "secret_key": "ed25519:<base58 64 bytes>"}
// where the 64-byte secret is seed || public key (ed25519-dalek keypair bytes).
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import bs58 from 'bs58';

export interface KeyFile {
  account_id: string;
  public_key: string;
  secret_key: string;
}

// PKCS#8 DER header for a raw 32-byte ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function publicFromSeed(seed: Buffer): Buffer {
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(priv).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('ed25519 public key export failed');
  return Buffer.from(jwk.x, 'base64url');
}

function keyFileFromSeed(accountId: string, seed: Buffer): KeyFile {
  const pub = publicFromSeed(seed);
  return {
    account_id: accountId,
    public_key: `ed25519:${bs58.encode(pub)}`,
    secret_key: `ed25519:${bs58.encode(Buffer.concat([seed, pub]))}`,
  };
}

/**
 * nearcore's SecretKey::from_seed: the seed string's bytes, truncated or padded with
 * spaces to 32 bytes. `neard localnet` derives every key this way from "node0", "node1"...
 */
export function keyFromSeed(accountId: string, seed: string): KeyFile {
  const bytes = Buffer.alloc(32, 0x20);
  Buffer.from(seed, 'utf8').copy(bytes, 0, 0, 32);
  return keyFileFromSeed(accountId, bytes);
}

export function randomKey(accountId: string): KeyFile {
  return keyFileFromSeed(accountId, randomBytes(32));
}

export function writeKeyFile(path: string, key: KeyFile): void {
  writeFileSync(path, JSON.stringify(key, null, 2) + '\n', { mode: 0o600 });
}

function checkKey(value: unknown, bytes: number, what: string): string {
  if (typeof value !== 'string' || !value.startsWith('ed25519:')) {
    throw new Error(`${what} must be a string 'ed25519:<base58>'`);
  }
  let decoded: Uint8Array;
  try {
    decoded = bs58.decode(value.slice('ed25519:'.length));
  } catch {
    throw new Error(`${what} is not valid base58`);
  }
  if (decoded.length !== bytes) throw new Error(`${what} must encode ${bytes} bytes, got ${decoded.length}`);
  return value;
}

/** Parses a key file's JSON; older files say `private_key` instead of `secret_key`. */
export function parseKeyFile(text: string): KeyFile {
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null) throw new Error('expected a JSON object');
  const obj = raw as Record<string, unknown>;
  if (typeof obj['account_id'] !== 'string' || obj['account_id'] === '') {
    throw new Error('account_id must be a non-empty string');
  }
  const secret = obj['secret_key'] ?? obj['private_key'];
  return {
    account_id: obj['account_id'],
    public_key: checkKey(obj['public_key'], 32, 'public_key'),
    secret_key: checkKey(secret, 64, 'secret_key'),
  };
}

/** Reads a key file, following symlinks (the supervisor swaps keys by symlinking). */
export function readKeyFile(path: string): KeyFile {
  let target = path;
  try {
    target = realpathSync(path);
    return parseKeyFile(readFileSync(target, 'utf8'));
  } catch (err) {
    throw new Error(`Failed reading key file ${path}${target !== path ? ` (-> ${target})` : ''}: ${(err as Error).message}`, { cause: err });
  }
}
