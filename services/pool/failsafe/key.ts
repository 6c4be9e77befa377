/**
 * The failsafe key (issue 18): the one secret the leader and the members authenticate confirmations with,
 * derived from the pool's validator key, which every member already holds. No new secret to distribute,
 * and nobody without the validator key can ask for or give a confirmation.
 *
 * Why nothing authenticated with it can ever be a valid NEAR signature: NEAR signs with ed25519, whose
 * signatures are 64-byte (R, S) pairs made with the secret scalar and checked against the public key. Here
 * the validator secret is only ever the input keying material of HKDF-SHA256, a one-way function, and what
 * comes out is used as an HMAC-SHA256 key: the tags are 32-byte hash outputs of another primitive, under
 * another key. The daemon never performs an ed25519 operation with the secret, and the derived key reveals
 * nothing about it, so no message, tag or key of this protocol can sign a NEAR block, chunk, approval or
 * transaction, and no signature seen on the chain helps to forge a tag.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import bs58 from 'bs58';

/** Bumped with the message format (messages.ts): a key of one version never verifies a message of another. */
export const FAILSAFE_KEY_VERSION = 'kuutamod-failsafe-v1';
/** HKDF's salt: fixed, public, only there to separate this use of the validator key from any other. */
export const FAILSAFE_KEY_SALT = `${FAILSAFE_KEY_VERSION} salt`;
/** HKDF's info: binds the key to its purpose and to the account, so two pools never share a key. */
export const failsafeKeyInfo = (accountId: string): string => `${FAILSAFE_KEY_VERSION} confirmation hmac key for account ${accountId}`;

const SECRET_PREFIX = 'ed25519:';
/** nearcore's ed25519 secret: seed || public key. */
const SECRET_BYTES = 64;
const KEY_BYTES = 32;

/** The derived HMAC key. A class so it cannot be logged or serialised by accident. */
export class FailsafeKey {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer, readonly accountId: string) {
    if (bytes.length !== KEY_BYTES) throw new Error(`failsafe key: expected ${KEY_BYTES} bytes, got ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
  }

  /** HMAC-SHA256 of `data` under this key. */
  mac(data: Buffer): Buffer {
    return createHmac('sha256', this.#bytes).update(data).digest();
  }

  /** Whether `tag` is this key's HMAC of `data` (compared in constant time). */
  verifies(data: Buffer, tag: Buffer): boolean {
    const expected = this.mac(data);
    return tag.length === expected.length && timingSafeEqual(tag, expected);
  }

  toJSON(): string {
    return '[failsafe key]';
  }

  toString(): string {
    return '[failsafe key]';
  }
}

/**
 * The failsafe key of `accountId` from the validator key file's secret ("ed25519:<base58 of 64 bytes>",
 * as src/key-file.ts checks it). Deterministic: every member with the same validator key and account
 * derives the same key. Throws when the secret is not of that shape.
 */
export function deriveFailsafeKey(validatorSecret: string, accountId: string): FailsafeKey {
  if (!validatorSecret.startsWith(SECRET_PREFIX)) throw new Error('failsafe key: the validator secret must start with "ed25519:"');
  let secret: Uint8Array;
  try {
    secret = bs58.decode(validatorSecret.slice(SECRET_PREFIX.length));
  } catch {
    throw new Error('failsafe key: the validator secret is not base58');
  }
  if (secret.length !== SECRET_BYTES) throw new Error(`failsafe key: the validator secret must be ${SECRET_BYTES} bytes, not ${secret.length}`);
  if (accountId === '') throw new Error('failsafe key: the account id is empty');
  const derived = hkdfSync('sha256', secret, Buffer.from(FAILSAFE_KEY_SALT, 'utf8'), Buffer.from(failsafeKeyInfo(accountId), 'utf8'), KEY_BYTES);
  return new FailsafeKey(Buffer.from(derived), accountId);
}
