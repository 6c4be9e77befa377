/**
 * `kuutamoctl generate-key <account-id>`: a new ed25519 key in nearcore's key file format
 * ({account_id, public_key, secret_key}, "ed25519:<base58>"), e.g. a voter node key.
 * The key comes from node:crypto's ed25519 (no native add-on: @near-js/crypto pulled in secp256k1
 * only for this); its raw bytes are exported through JWK and written in NEAR's base58 form.
 */
import { generateKeyPairSync } from 'node:crypto';
import bs58 from 'bs58';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { OperatorError } from '../errors.js';

export interface NearKey {
  account_id: string;
  public_key: string;
  secret_key: string;
}

// nearcore's AccountId rules (core/account-id): 2..64 chars, lowercase alphanumeric parts
// joined by single '-' or '_', dot-separated.
const ACCOUNT_ID = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/;

export function checkAccountId(accountId: string): void {
  if (accountId.length < 2 || accountId.length > 64 || !ACCOUNT_ID.test(accountId)) {
    throw new OperatorError(
      `'${accountId}' is not a valid NEAR account id (2-64 characters: lowercase letters, digits, and - _ . between them; node keys use "node").`,
    );
  }
}

/** A fresh random key; secret_key is the 64-byte seed||public form neard reads. */
export function generateNearKey(accountId: string): NearKey {
  checkAccountId(accountId);
  // JWK is the one export format that gives an ed25519 key's raw bytes: d = 32-byte seed, x = public key.
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  if (!jwk.d || !jwk.x) throw new Error('node:crypto returned an ed25519 JWK without d or x');
  const seed = Buffer.from(jwk.d, 'base64url');
  const publicKey = Buffer.from(jwk.x, 'base64url');
  return {
    account_id: accountId,
    public_key: `ed25519:${bs58.encode(publicKey)}`,
    // neard (ed25519-dalek keypair bytes) reads the secret as seed || public key.
    secret_key: `ed25519:${bs58.encode(Buffer.concat([seed, publicKey]))}`,
  };
}

/** Pretty JSON as neard writes key files. */
export function formatKeyFile(key: NearKey): string {
  return `${JSON.stringify(key, null, 2)}\n`;
}

/**
 * Write a key file with mode 0600 from the first byte on. Without `force` an existing file is
 * an error (O_EXCL, so no race); with `force` the new file is renamed over the old one, so the
 * path never holds a half-written key.
 */
export function writeKeyFile(path: string, key: NearKey, force = false): void {
  const target = force ? join(dirname(path), `.${basename(path)}.${process.pid}.tmp`) : path;
  let fd: number;
  try {
    fd = openSync(target, force ? 'w' : 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new OperatorError(`${path} already exists; pass --force to replace it.`);
    throw new OperatorError(`cannot create ${path} (${code}).`);
  }
  try {
    writeSync(fd, formatKeyFile(key));
  } finally {
    closeSync(fd);
  }
  if (force) {
    try {
      renameSync(target, path);
    } catch (error) {
      rmSync(target, { force: true });
      throw new OperatorError(`cannot replace ${path} (${(error as NodeJS.ErrnoException).code}).`);
    }
  }
}

interface GenerateKeyOptions {
  output?: string;
  force?: boolean;
}

/** Register the subcommand on kuutamoctl's program. */
export function registerGenerateKey(program: Command): void {
  program
    .command('generate-key')
    .description('Generate an ed25519 key file as neard writes them (e.g. a voter node key: account id "node")')
    .argument('<account-id>', 'account_id written into the key file')
    .option('-o, --output <file>', 'write the key file here (mode 0600) instead of printing it to stdout')
    .option('-f, --force', 'replace an existing --output file')
    .action((accountId: string, options: GenerateKeyOptions) => {
      const key = generateNearKey(accountId);
      if (options.output === undefined) {
        process.stdout.write(formatKeyFile(key));
        return;
      }
      writeKeyFile(options.output, key, options.force === true);
      process.stderr.write(`Wrote ${options.output} (public key ${key.public_key})\n`);
    });
}
