/**
 * `kuutamoctl generate-key`'s key: nearcore's key file format, checked with node:crypto sign/verify on
 * keys imported from the file's own bytes (test/support/near-key.ts), and nearcore's account id rules.
 * The CLI's file handling is test/integration/kuutamoctl-generate-key.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAccountId, generateNearKey } from '../../src/cli/generate-key.js';
import { assertValidKey } from '../support/near-key.js';

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
