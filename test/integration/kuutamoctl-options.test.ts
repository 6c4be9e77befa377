/**
 * kuutamoctl takes its Consul options from kuutamod's option table: the same variables, the same
 * precedence (flag over variable) and the same operator errors. Runs the real CLI against a closed
 * port, so the error names the URL it actually used; talking to a live Consul is covered in
 * test/integration/kuutamod-failover.test.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJsonObject } from '../../services/json-object.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import { freePorts } from '../support/ports.js';
import { REPO_ROOT } from '../support/paths.js';

test('KUUTAMO_CONSUL_URL is used, and --consul-url beats it', async () => {
  const [flagPort, envPort] = await freePorts(2);
  const fromEnv = await kuutamoctl(['active-validator'], { KUUTAMO_CONSUL_URL: `http://127.0.0.1:${envPort}` });
  assert.equal(fromEnv.code, 1);
  assert.match(fromEnv.stderr, new RegExp(`^kuutamoctl: error: Failed to get leader key from consul at http://127\\.0\\.0\\.1:${envPort}: .*ECONNREFUSED`));
  const fromFlag = await kuutamoctl(['--consul-url', `http://127.0.0.1:${flagPort}`, 'active-validator'], { KUUTAMO_CONSUL_URL: `http://127.0.0.1:${envPort}` });
  assert.equal(fromFlag.code, 1);
  assert.match(fromFlag.stderr, new RegExp(`consul at http://127\\.0\\.0\\.1:${flagPort}: `));
  assert.equal(fromFlag.stdout, '');
});

test('a bad Consul URL or unreadable CA file is named as kuutamod names it, without a stack trace', async () => {
  const badUrl = await kuutamoctl(['active-validator'], { KUUTAMO_CONSUL_URL: 'localhost 8500' });
  assert.equal(badUrl.code, 1);
  assert.equal(badUrl.stderr, "kuutamoctl: error: --consul-url, set by KUUTAMO_CONSUL_URL: 'localhost 8500' is not a URL (example: http://localhost:8500).\n");
  const missing = join(REPO_ROOT, 'no-such-ca.pem');
  const badCa = await kuutamoctl(['--consul-ca-file', missing, 'active-validator']);
  assert.equal(badCa.code, 1);
  assert.equal(badCa.stderr, `kuutamoctl: error: --consul-ca-file: cannot read ${missing} (ENOENT).\n`);
  const badToken = await kuutamoctl(['active-validator'], { KUUTAMO_CONSUL_TOKEN_FILE: missing });
  assert.equal(badToken.stderr, `kuutamoctl: error: --consul-token-file, set by KUUTAMO_CONSUL_TOKEN_FILE: cannot read consul token file ${missing} (ENOENT).\n`);
});

test('generate-key needs no Consul options checked', async () => {
  const result = await kuutamoctl(['generate-key', 'node'], { KUUTAMO_CONSUL_URL: 'localhost 8500' });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(parseJsonObject(result.stdout, 'generate-key output')['account_id'], 'node');
});
