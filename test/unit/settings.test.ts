/**
 * Settings resolution through the real commander command and the option table: flag beats variable
 * beats default, key files fall back to systemd's CREDENTIALS_DIRECTORY, and every error names the
 * flag and, when the value came from one, the variable. Homes and keys are made by the neard stand-in's
 * init, in this process (test/support/settings-fixture.ts).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { formatDuration } from '../../src/duration.js';
import { ALL_OPTIONS, type Settings } from '../../src/settings.js';
import { assertOperatorError, createSettingsFixture, resolveKuutamod, switchOptions, type SettingsFixture } from '../support/settings-fixture.js';

let fixture: SettingsFixture;
let dir: string;
let pool: SettingsFixture['pool'];
let node: SettingsFixture['node'];
let credentials: string;

before(() => {
  fixture = createSettingsFixture('settings-');
  ({ dir, pool, node, credentials } = fixture);
});

after(() => fixture.cleanup());

/** kuutamod's resolution of this command line and environment (no process.env leaks in). */
function settings(args: string[], environment: NodeJS.ProcessEnv = {}): Settings {
  return resolveKuutamod(args, { CREDENTIALS_DIRECTORY: credentials, KUUTAMO_NEARD_HOME: node.home, ...environment });
}

function rejects(args: string[], environment: NodeJS.ProcessEnv, message: RegExp): void {
  assertOperatorError(() => settings(args, environment), message);
}

describe('settings resolution', () => {
  test('nothing given: the defaults of Rust kuutamod and DEFAULT_TIMINGS', () => {
    const resolved = settings([]);
    assert.equal(resolved.consulUrl, 'http://localhost:8500');
    assert.equal(resolved.nodeId, 'node');
    assert.equal(resolved.accountId, 'default');
    assert.deepEqual(resolved.exporter, { host: '127.0.0.1', port: 2233 });
    assert.equal(resolved.validatorNetworkAddr, '0.0.0.0:24567');
    assert.equal(resolved.voterNetworkAddr, '0.0.0.0:24568');
    assert.equal(resolved.neardBin, 'neard');
    assert.equal(resolved.logFormat, 'json');
    assert.equal(resolved.hotSwap, false);
    assert.equal(resolved.inspect, undefined);
    assert.equal(resolved.consulToken, undefined);
    assert.equal(resolved.consulCaFile, undefined);
    assert.equal(resolved.consulClientCert, undefined);
    assert.equal(resolved.onRoleChange, undefined);
    assert.equal(resolved.onRoleChangeTimeoutMs, 30_000);
    assert.deepEqual(resolved.timings, DEFAULT_TIMINGS);
  });

  test('timing defaults in --help are DEFAULT_TIMINGS formatted, not restated', () => {
    const ttl = ALL_OPTIONS.find((spec) => spec.flags.startsWith('--session-ttl '));
    assert.equal(ttl?.default, formatDuration(DEFAULT_TIMINGS.sessionTtlMs));
    assert.equal(formatDuration(DEFAULT_TIMINGS.startupTimeoutMs), '120s');
    assert.equal(formatDuration(1_500), '1500ms');
  });

  test('the flag beats the variable, the variable beats the default', () => {
    const env = { KUUTAMO_NODE_ID: 'from-env', KUUTAMO_SESSION_TTL: '40s', KUUTAMO_ACCOUNT_ID: 'pool.env' };
    const resolved = settings(['--node-id', 'from-flag', '--session-ttl', '60s'], env);
    assert.equal(resolved.nodeId, 'from-flag');
    assert.equal(resolved.timings.sessionTtlMs, 60_000);
    assert.equal(settings([], env).timings.sessionTtlMs, 40_000);
    assert.equal(resolved.accountId, 'pool.env');
    assert.equal(resolved.timings.stepDownAfterMs, DEFAULT_TIMINGS.stepDownAfterMs);
  });

  test('switches and optional values: flag or variable turns them on', () => {
    assert.equal(settings(['--validator-key-hot-swap']).hotSwap, true);
    assert.equal(settings([], { KUUTAMO_VALIDATOR_KEY_HOT_SWAP: '1' }).hotSwap, true);
    assert.equal(settings(['--inspect']).inspect, true);
    assert.equal(settings([], { KUUTAMO_INSPECT: 'ws://127.0.0.1:9' }).inspect, 'ws://127.0.0.1:9');
  });

  test('a switch variable takes true/false, 1/0, yes/no, on/off in any case; anything else names the flag and the variable', () => {
    const switches = switchOptions();
    assert.deepEqual(switches.map((s) => s.spec.env).sort(), ['KUUTAMO_NO_FAILOVER', 'KUUTAMO_NO_PRODUCTION_FAILOVER', 'KUUTAMO_VALIDATOR_KEY_HOT_SWAP']);
    for (const { spec, flag, field } of switches) {
      for (const on of ['true', 'TRUE', 'True', '1', 'yes', 'Yes', 'on', 'ON', ' on ', '\tyes\n']) {
        assert.equal(settings([], { [spec.env]: on })[field], true, `${spec.env}=${JSON.stringify(on)}`);
      }
      for (const off of ['false', 'FALSE', '0', 'no', 'No', 'off', 'Off', ' false ', '', '  ']) {
        assert.equal(settings([], { [spec.env]: off })[field], false, `${spec.env}=${JSON.stringify(off)}`);
      }
      assert.equal(settings([])[field], false, `${spec.env} unset`);
      for (const bad of ['maybe', '2', 'y', 'n', 'enabled', 'true!', 'o n', '-1']) {
        rejects(
          [],
          { [spec.env]: bad },
          new RegExp(`^${flag}, set by ${spec.env}: '${bad.replace(/[.*+?^${}()|[\]\\!]/g, '\\$&')}' is not on or off: give true/false, 1/0, yes/no, on/off \\(any case\\), or leave it empty for off\\.$`),
        );
      }
      // The flag wins over the variable, as for every option.
      assert.equal(settings([flag], { [spec.env]: 'false' })[field], true, `${flag} with ${spec.env}=false`);
    }
  });

  test('a variable set to an empty value counts as unset', () => {
    const resolved = settings([], { KUUTAMO_NODE_ID: '', KUUTAMO_SESSION_TTL: '', KUUTAMO_VALIDATOR_KEY_HOT_SWAP: '' });
    assert.equal(resolved.nodeId, 'node');
    assert.equal(resolved.timings.sessionTtlMs, DEFAULT_TIMINGS.sessionTtlMs);
    assert.equal(resolved.hotSwap, false);
  });

  test('key files: flag, else variable, else CREDENTIALS_DIRECTORY', () => {
    const fromCredentials = settings([]);
    assert.deepEqual(fromCredentials.keys, {
      validatorKey: join(credentials, 'validator_key.json'),
      validatorNodeKey: join(credentials, 'validator_node_key.json'),
      voterNodeKey: join(credentials, 'voter_node_key.json'),
    });
    const given = settings(['--validator-key', pool.validatorKey], { KUUTAMO_VOTER_NODE_KEY: node.voterNodeKey });
    assert.equal(given.keys.validatorKey, pool.validatorKey);
    assert.equal(given.keys.voterNodeKey, node.voterNodeKey);
    assert.equal(given.keys.validatorNodeKey, join(credentials, 'validator_node_key.json'));
  });

  test('a key file with neither flag, variable nor CREDENTIALS_DIRECTORY names the flag and the variable', () => {
    rejects(
      ['--validator-node-key', pool.validatorNodeKey, '--voter-node-key', node.voterNodeKey],
      { CREDENTIALS_DIRECTORY: undefined },
      /^--validator-key \(or KUUTAMO_VALIDATOR_KEY\) is required: no key file given and CREDENTIALS_DIRECTORY is not set\.$/,
    );
  });

  test('an unreadable key file from a variable names the flag and the variable', () => {
    const missing = join(dir, 'missing.json');
    rejects([], { KUUTAMO_VALIDATOR_KEY: missing }, new RegExp(`^--validator-key, set by KUUTAMO_VALIDATOR_KEY: cannot read key file ${missing} \\(ENOENT\\)`));
  });

  test('a bad duration names its flag, and the variable when it came from one', () => {
    rejects(['--session-ttl', 'soon'], {}, /^--session-ttl: 'soon' is not a duration \(examples: 30s, 500ms, 2m\)\.$/);
    rejects([], { KUUTAMO_STEP_DOWN_AFTER: 'later' }, /^--step-down-after, set by KUUTAMO_STEP_DOWN_AFTER: 'later' is not a duration/);
  });

  test('other bad values name the flag and the variable they came from', () => {
    rejects([], { KUUTAMO_LOG_FORMAT: 'xml' }, /^--log-format, set by KUUTAMO_LOG_FORMAT: 'xml' must be json or logfmt\.$/);
    rejects(['--exporter-address', 'nowhere'], {}, /^--exporter-address: 'nowhere' is not an address of the form host:port\.$/);
    rejects([], { KUUTAMO_CONSUL_URL: 'not a url' }, /^--consul-url, set by KUUTAMO_CONSUL_URL: 'not a url' is not a URL/);
    rejects(['--inspect', 'http://x'], {}, /^--inspect: 'http:\/\/x' is not a ws:\/\/ or wss:\/\/ URL/);
  });

  test('pool membership and eligibility: defaults, --no-failover as flag or variable, bad values named', () => {
    const resolved = settings([]);
    assert.equal(resolved.memberPublishIntervalMs, 15_000);
    assert.equal(resolved.maxLagBlocks, 50);
    assert.equal(resolved.noFailover, false);
    assert.equal(resolved.failoverPriority, 1);
    const given = settings(['--no-failover', '--max-lag-blocks', '5', '--failover-priority', '3', '--member-publish-interval', '2s']);
    assert.deepEqual([given.noFailover, given.maxLagBlocks, given.failoverPriority, given.memberPublishIntervalMs], [true, 5, 3, 2_000]);
    assert.equal(settings([], { KUUTAMO_NO_FAILOVER: '1' }).noFailover, true);
    rejects(['--max-lag-blocks', 'many'], {}, /^--max-lag-blocks: 'many' is not a whole number \(example: 50\)\.$/);
    rejects([], { KUUTAMO_FAILOVER_PRIORITY: '-1' }, /^--failover-priority, set by KUUTAMO_FAILOVER_PRIORITY: '-1' is not a whole number/);
    rejects(['--member-publish-interval', '100ms'], {}, /^--member-publish-interval: give 500ms to 8h/);
  });

  test('timings that could let a validator outlive its lock are refused', () => {
    rejects(['--session-ttl', '5s'], {}, /^--session-ttl: Consul accepts session TTLs from 10s to 24h\.$/);
    rejects(['--step-down-after', '29s'], {}, /--session-renew-interval < --step-down-after < --session-ttl minus --fence-margin must hold/);
  });

  test('Consul token: the token file wins over CONSUL_HTTP_TOKEN; a missing file names its flag', () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'file-token\n');
    assert.equal(settings([], { CONSUL_HTTP_TOKEN: 'env-token' }).consulToken, 'env-token');
    assert.equal(settings(['--consul-token-file', tokenFile], { CONSUL_HTTP_TOKEN: 'env-token' }).consulToken, 'file-token');
    rejects([], { KUUTAMO_CONSUL_TOKEN_FILE: join(dir, 'no-token') }, /^--consul-token-file, set by KUUTAMO_CONSUL_TOKEN_FILE: cannot read consul token file .*no-token \(ENOENT\)\.$/);
  });

  test('Consul token file: else $CREDENTIALS_DIRECTORY/consul_token when it exists and no CONSUL_HTTP_TOKEN; the file is kept for SIGUSR1', () => {
    assert.equal(settings([]).consulTokenFile, undefined, 'no credential: no token file');
    const credentialToken = join(credentials, 'consul_token');
    writeFileSync(credentialToken, 'credential-token\n');
    try {
      const fromCredential = settings([]);
      assert.equal(fromCredential.consulToken, 'credential-token');
      assert.equal(fromCredential.consulTokenFile, credentialToken);
      assert.equal(settings([], { CONSUL_HTTP_TOKEN: 'env-token' }).consulToken, 'env-token', 'CONSUL_HTTP_TOKEN wins over the credential');
      assert.equal(settings([], { CONSUL_HTTP_TOKEN: 'env-token' }).consulTokenFile, undefined);
      const tokenFile = join(dir, 'flag-token');
      writeFileSync(tokenFile, 'flag-token\n');
      assert.equal(settings(['--consul-token-file', tokenFile]).consulTokenFile, tokenFile);
      assert.equal(settings([], { KUUTAMO_CONSUL_TOKEN_FILE: tokenFile }).consulToken, 'flag-token');
    } finally {
      rmSync(credentialToken);
    }
  });

  test('Consul CA file: flag, else CONSUL_CACERT; an unreadable one names where it came from', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    assert.equal(settings([], { CONSUL_CACERT: ca }).consulCaFile, ca);
    rejects([], { CONSUL_CACERT: join(dir, 'no-ca.pem') }, /^--consul-ca-file \(from CONSUL_CACERT\): cannot read .*no-ca\.pem \(ENOENT\)\.$/);
    rejects(['--consul-ca-file', join(dir, 'no-ca.pem')], {}, /^--consul-ca-file: cannot read .*no-ca\.pem \(ENOENT\)\.$/);
  });
});
