/**
 * The check of a nearcore key file's keys (`kuutamoctl generate-key`): valid ed25519, with node:crypto
 * sign/verify on keys imported from the file's own bytes (PKCS#8 seed, SPKI public key), not the JWK
 * path the generator uses.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import bs58 from 'bs58';
import type { NearKey } from '../../src/cli/generate-key.js';

// RFC 8410 PKCS#8 header for a raw 32-byte ed25519 seed.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
// RFC 8410 SubjectPublicKeyInfo header for a raw 32-byte ed25519 public key.
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

function decode(value: string): Buffer {
  assert.match(value, /^ed25519:[1-9A-HJ-NP-Za-km-z]+$/);
  return Buffer.from(bs58.decode(value.slice('ed25519:'.length)));
}

/** The secret is seed||public (ed25519-dalek keypair bytes) and signs for the public key. */
export function assertValidKey(key: NearKey): void {
  const publicKey = decode(key.public_key);
  const secret = decode(key.secret_key);
  assert.equal(publicKey.length, 32);
  assert.equal(secret.length, 64);
  assert.deepEqual(secret.subarray(32), publicKey);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, secret.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  const derived = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url');
  assert.deepEqual(derived, publicKey);
  // A signature made with the secret verifies under the public key read from the file.
  const filePublicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
  const signature = sign(null, Buffer.from('block'), privateKey);
  assert.ok(verify(null, Buffer.from('block'), filePublicKey, signature));
  assert.ok(!verify(null, Buffer.from('other block'), filePublicKey, signature));
}
