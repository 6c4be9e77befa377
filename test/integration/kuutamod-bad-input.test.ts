/**
 * Bad input gets a clear message naming the flag or file, and never a validator key in use without
 * the lock: the daemon exits before starting neard, or (Consul unreachable) waits in Registering.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../support/ports.js';
import { KUUTAMOD_BIN, NEARD_STANDIN, startKuutamod } from '../support/kuutamod.js';
import { createSettingsFixture, type SettingsFixture } from '../support/settings-fixture.js';

let fixture: SettingsFixture;
let dir: string;
let pool: SettingsFixture['pool'];
let node: SettingsFixture['node'];

before(async () => {
  // One daemon below starts neard on this home: its RPC port must be free.
  fixture = createSettingsFixture('kuutamod-bad-', `127.0.0.1:${await freePort()}`);
  ({ dir, pool, node } = fixture);
});

after(() => fixture.cleanup());

/** Run kuutamod to its exit (at most 15 s) with these flags and environment. */
async function runKuutamod(args: string[], env: Record<string, string | undefined> = {}) {
  const exporter = `127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [KUUTAMOD_BIN, '--exporter-address', exporter, '--neard-bin', NEARD_STANDIN, ...args], {
    env: { ...process.env, CREDENTIALS_DIRECTORY: undefined, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const keyArgs = (): string[] => fixture.keyArgs;

describe('bad input', () => {
  test('a missing key option names the flag and its variable', async () => {
    const result = await runKuutamod(['--neard-home', node.home, '--validator-node-key', pool.validatorNodeKey, '--voter-node-key', node.voterNodeKey]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^kuutamod: error: --validator-key \(or KUUTAMO_VALIDATOR_KEY\) is required: no key file given and CREDENTIALS_DIRECTORY is not set\.\n$/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(join(node.home, 'validator_key.json')), false);
  });

  test('an unreadable key file is named with its flag', async () => {
    const missing = join(dir, 'does-not-exist.json');
    const result = await runKuutamod([...keyArgs(), '--validator-key', missing]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`--validator-key: cannot read key file ${missing} (ENOENT)`), result.stderr);
  });

  test('a key file that is not a NEAR key says what it must hold', async () => {
    const bogus = join(dir, 'bogus-key.json');
    writeFileSync(bogus, '{"account_id": "x"}');
    const result = await runKuutamod([...keyArgs(), '--voter-node-key', bogus]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`--voter-node-key: key file ${bogus} must hold "public_key" and "secret_key"`), result.stderr);
  });

  test('a malformed config.json is named', async () => {
    const home = join(dir, 'broken-home');
    mkdirSync(home, { recursive: true });
    copyFileSync(join(node.home, 'genesis.json'), join(home, 'genesis.json'));
    writeFileSync(join(home, 'config.json'), '{ "rpc": ');
    const result = await runKuutamod([...keyArgs(), '--neard-home', home]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`${join(home, 'config.json')} is not valid JSON`), result.stderr);
  });

  test('a bad duration names its flag', async () => {
    const result = await runKuutamod([...keyArgs(), '--session-ttl', 'soon']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--session-ttl: 'soon' is not a duration/);
  });

  test('a bad duration from a variable names the flag and the variable', async () => {
    const result = await runKuutamod(keyArgs(), { KUUTAMO_FENCE_MARGIN: 'a bit' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, "kuutamod: error: --fence-margin, set by KUUTAMO_FENCE_MARGIN: 'a bit' is not a duration (examples: 30s, 500ms, 2m).\n");
  });

  test('an on/off variable with another word names the flag, the variable and the words it takes', async () => {
    const result = await runKuutamod(keyArgs(), { KUUTAMO_VALIDATOR_KEY_HOT_SWAP: 'maybe' });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "kuutamod: error: --validator-key-hot-swap, set by KUUTAMO_VALIDATOR_KEY_HOT_SWAP: 'maybe' is not on or off: give true/false, 1/0, yes/no, on/off (any case), or leave it empty for off.\n",
    );
  });

  test('keys are found in CREDENTIALS_DIRECTORY when no flag is given (systemd LoadCredential)', async () => {
    const credentials = join(dir, 'credentials-without-voter-key');
    mkdirSync(credentials);
    copyFileSync(pool.validatorKey, join(credentials, 'validator_key.json'));
    copyFileSync(pool.validatorNodeKey, join(credentials, 'validator_node_key.json'));
    const withoutVoterKey = await runKuutamod(['--neard-home', node.home], { CREDENTIALS_DIRECTORY: credentials });
    assert.equal(withoutVoterKey.code, 1);
    assert.ok(withoutVoterKey.stderr.includes(`--voter-node-key: cannot read key file ${join(credentials, 'voter_node_key.json')}`), withoutVoterKey.stderr);
  });

  test('Consul unreachable at start: it keeps neard without the key, retries, and says why', async () => {
    const deadPort = await freePort();
    const daemon = await startKuutamod({
      consulUrl: `http://127.0.0.1:${deadPort}`,
      nodeId: 'lonely',
      pool,
      node,
      extraArgs: ['--log-format', 'logfmt'],
    });
    try {
      const view = await daemon.waitFor((v) => v.state === 'Registering' && /session create/.test(v.lastError ?? ''), 'Registering with a Consul error');
      assert.match(view.lastError ?? '', /ECONNREFUSED/);
      assert.equal(view.neardMode, 'voter');
      assert.equal(existsSync(join(node.home, 'validator_key.json')), false);
      assert.match(daemon.log(), /consul session create failed: .*ECONNREFUSED/);
      assert.match(
        daemon.log(),
        /^level=info pid=\d+ message="state changed: Syncing -> Registering" target="kuutamod::supervisor" node_id=lonely cause=STATUS_OK$/m,
      );
    } finally {
      await daemon.stop();
    }
    assert.equal((await daemon.exited).code, 0);
  });
});
