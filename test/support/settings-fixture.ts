/**
 * What the settings tests share: a temp dir with the pool's keys, one node home and a systemd credentials
 * directory holding copies of the three keys (all made in-process, test/support/neard-homes.ts), kuutamod's
 * resolution of a command line and an environment as the daemon does it, the check that a refusal is an
 * OperatorError saying the expected thing, and which setting each on/off option fills.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperatorError } from '../../src/errors.js';
import { switchOn } from '../../src/option-parsers.js';
import { ALL_OPTIONS, buildCommand, givenFlags, longFlag, resolveSettings, type OptionSpec, type Settings } from '../../src/settings.js';
import { createNodeHomeFiles, createPoolKeys, type NodeHome, type PoolKeys } from './neard-homes.js';

export interface SettingsFixture {
  dir: string;
  pool: PoolKeys;
  node: NodeHome;
  /** A CREDENTIALS_DIRECTORY (systemd's LoadCredential=) with validator_key.json, validator_node_key.json, voter_node_key.json. */
  credentials: string;
  /** The node's home and the three key files as flags. */
  keyArgs: string[];
  /** The same as KUUTAMO_* variables. */
  keyEnvironment: Record<string, string>;
  cleanup(): void;
}

/** A fresh fixture under a temp dir named `prefix...`; `rpcAddr` as for createNodeHomeFiles. */
export function createSettingsFixture(prefix: string, rpcAddr?: string): SettingsFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const pool = createPoolKeys(dir);
  const node = createNodeHomeFiles(dir, 'node', pool, rpcAddr);
  const credentials = join(dir, 'credentials');
  mkdirSync(credentials);
  copyFileSync(pool.validatorKey, join(credentials, 'validator_key.json'));
  copyFileSync(pool.validatorNodeKey, join(credentials, 'validator_node_key.json'));
  copyFileSync(node.voterNodeKey, join(credentials, 'voter_node_key.json'));
  return {
    dir,
    pool,
    node,
    credentials,
    keyArgs: ['--neard-home', node.home, '--validator-key', pool.validatorKey, '--validator-node-key', pool.validatorNodeKey, '--voter-node-key', node.voterNodeKey],
    keyEnvironment: {
      KUUTAMO_NEARD_HOME: node.home,
      KUUTAMO_VALIDATOR_KEY: pool.validatorKey,
      KUUTAMO_VALIDATOR_NODE_KEY: pool.validatorNodeKey,
      KUUTAMO_VOTER_NODE_KEY: node.voterNodeKey,
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * kuutamod's settings for this command line and environment (process.env does not leak in). commander's
 * own errors (an unknown flag) are thrown with their `commander.*` code and not printed.
 */
export function resolveKuutamod(args: string[], environment: NodeJS.ProcessEnv): Settings {
  const command = buildCommand('kuutamod', '').exitOverride().configureOutput({ writeErr: () => undefined });
  command.parse(args, { from: 'user' });
  return resolveSettings(givenFlags(command), environment);
}

/** `resolve` throws an OperatorError whose message matches `message`; returns the error for more checks. */
export function assertOperatorError(resolve: () => unknown, message: RegExp): OperatorError {
  let thrown: unknown;
  assert.throws(resolve, (error: unknown) => {
    thrown = error;
    assert.ok(error instanceof OperatorError, `an OperatorError, not ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
  return thrown as OperatorError;
}

/** The Settings field each on/off option (parser switchOn) fills, by variable. */
const SWITCH_FIELDS = { KUUTAMO_VALIDATOR_KEY_HOT_SWAP: 'hotSwap', KUUTAMO_NO_FAILOVER: 'noFailover', KUUTAMO_NO_PRODUCTION_FAILOVER: 'noProductionFailover' } as const satisfies Record<string, keyof Settings>;

export interface SwitchOption {
  spec: OptionSpec;
  flag: string;
  /** The field of Settings it fills. */
  field: (typeof SWITCH_FIELDS)[keyof typeof SWITCH_FIELDS];
}

/** Every on/off option of the table; throws if one is missing from SWITCH_FIELDS, so a new switch is tested too. */
export function switchOptions(): SwitchOption[] {
  return ALL_OPTIONS.filter((spec) => spec.parser === switchOn).map((spec) => {
    const field = (SWITCH_FIELDS as Record<string, SwitchOption['field']>)[spec.env];
    if (field === undefined) throw new Error(`test/support/settings-fixture.ts: add ${spec.env} to SWITCH_FIELDS`);
    return { spec, flag: longFlag(spec), field };
  });
}
