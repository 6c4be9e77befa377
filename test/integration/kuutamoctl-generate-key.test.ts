/**
 * `kuutamoctl generate-key` as a process: the key file on stdout or written with mode 0600, readable by
 * the daemon, no silent overwrite, and one clear line for a bad account id or an unwritable path. The
 * key itself is checked as in test/unit/generate-key.test.ts.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { NearKey } from '../../src/cli/generate-key.js';
import { readNearKeyFile } from '../../src/key-file.js';
import { assertValidKey } from '../support/near-key.js';
import { kuutamoctl } from '../support/kuutamoctl.js';

const dir = mkdtempSync(join(tmpdir(), 'generate-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('CLI without --output prints the key file to stdout', async () => {
  const result = await kuutamoctl(['generate-key', 'node']);
  assert.equal(result.code, 0, result.stderr);
  const key = JSON.parse(result.stdout) as NearKey;
  assert.equal(key.account_id, 'node');
  assertValidKey(key);
});

test('CLI --output writes mode 0600, readable by the daemon, and refuses to overwrite', async () => {
  const file = join(dir, 'voter_node_key.json');
  const first = await kuutamoctl(['generate-key', 'node', '--output', file]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const written = readNearKeyFile(file, 'test');
  assert.match(first.stderr, new RegExp(`public key ${written.public_key}`));

  const again = await kuutamoctl(['generate-key', 'node', '--output', file]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists; pass --force/);
  assert.equal(readNearKeyFile(file, 'test').public_key, written.public_key);
});

test('CLI --force replaces an existing file and leaves it 0600', async () => {
  const file = join(dir, 'replaced.json');
  writeFileSync(file, 'old');
  chmodSync(file, 0o644);
  const result = await kuutamoctl(['generate-key', 'validator.test', '-o', file, '--force']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assertValidKey(JSON.parse(readFileSync(file, 'utf8')) as NearKey);
});

test('CLI rejects a bad account id and an unwritable path with one clear line', async () => {
  const bad = await kuutamoctl(['generate-key', 'Bad Name']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^kuutamoctl: error: 'Bad Name' is not a valid NEAR account id/);
  const missing = await kuutamoctl(['generate-key', 'node', '-o', join(dir, 'no', 'such', 'dir', 'k.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot create .*k\.json \(ENOENT\)/);
});
