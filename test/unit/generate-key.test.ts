/**
 * `kuutamoctl generate-key`: nearcore's key file format, checked with node:crypto sign/verify on keys
 * imported from the file's own bytes (PKCS#8 seed, SPKI public key: not the JWK path the generator
 * uses), and the CLI's file handling (0600, no silent overwrite).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import bs58 from 'bs58';
import { checkAccountId, generateNearKey, type NearKey } from '../../src/cli/generate-key.js';
import { readNearKeyFile } from '../../src/key-file.js';
import { REPO_ROOT } from '../support/paths.js';

const KUUTAMOCTL = join(REPO_ROOT, 'bin', 'kuutamoctl.js');
const dir = mkdtempSync(join(tmpdir(), 'generate-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// RFC 8410 PKCS#8 header for a raw 32-byte ed25519 seed.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
// RFC 8410 SubjectPublicKeyInfo header for a raw 32-byte ed25519 public key.
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

function decode(value: string): Buffer {
  assert.match(value, /^ed25519:[1-9A-HJ-NP-Za-km-z]+$/);
  return Buffer.from(bs58.decode(value.slice('ed25519:'.length)));
}

/** The secret is seed||public (ed25519-dalek keypair bytes) and signs for the public key. */
function assertValidKey(key: NearKey): void {
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

function kuutamoctl(...args: string[]) {
  return spawnSync(process.execPath, [KUUTAMOCTL, ...args], { encoding: 'utf8' });
}

test('generateNearKey: nearcore key file fields, valid ed25519, fresh every time', () => {
  const key = generateNearKey('pool.test');
  assert.deepEqual(Object.keys(key), ['account_id', 'public_key', 'secret_key']);
  assert.equal(key.account_id, 'pool.test');
  assertValidKey(key);
  assert.notEqual(generateNearKey('pool.test').public_key, key.public_key);
});

test('account ids follow nearcore rules', () => {
  for (const ok of ['node', 'pool.test', 'my-pool_1.poolv1.near', 'a1', 'f'.repeat(64)]) checkAccountId(ok);
  for (const bad of ['', 'a', 'Node', 'pool..near', '-pool', 'pool-', 'pool.', 'a b', 'x'.repeat(65)]) {
    assert.throws(() => checkAccountId(bad), /not a valid NEAR account id/, bad);
  }
});

test('CLI without --output prints the key file to stdout', () => {
  const result = kuutamoctl('generate-key', 'node');
  assert.equal(result.status, 0, result.stderr);
  const key = JSON.parse(result.stdout) as NearKey;
  assert.equal(key.account_id, 'node');
  assertValidKey(key);
});

test('CLI --output writes mode 0600, readable by the daemon, and refuses to overwrite', () => {
  const file = join(dir, 'voter_node_key.json');
  const first = kuutamoctl('generate-key', 'node', '--output', file);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const written = readNearKeyFile(file, 'test');
  assert.match(first.stderr, new RegExp(`public key ${written.public_key}`));

  const again = kuutamoctl('generate-key', 'node', '--output', file);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists; pass --force/);
  assert.equal(readNearKeyFile(file, 'test').public_key, written.public_key);
});

test('CLI --force replaces an existing file and leaves it 0600', () => {
  const file = join(dir, 'replaced.json');
  writeFileSync(file, 'old');
  chmodSync(file, 0o644);
  const result = kuutamoctl('generate-key', 'validator.test', '-o', file, '--force');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assertValidKey(JSON.parse(readFileSync(file, 'utf8')) as NearKey);
});

test('CLI rejects a bad account id and an unwritable path with one clear line', () => {
  const bad = kuutamoctl('generate-key', 'Bad Name');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^kuutamoctl: error: 'Bad Name' is not a valid NEAR account id/);
  const missing = kuutamoctl('generate-key', 'node', '-o', join(dir, 'no', 'such', 'dir', 'k.json'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot create .*k\.json \(ENOENT\)/);
});
