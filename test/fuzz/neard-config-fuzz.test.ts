/**
 * Fuzzed neard homes on a real filesystem: config.json missing, wrong-typed, huge, truncated, not
 * JSON, not UTF-8, a directory, a symlink loop; rpc.addr of every shape. readNeardHome either yields a
 * /status URL that parses, or an OperatorError that names the file and says what to do. For the
 * addresses neard itself writes (an IPv4 or IPv6 socket address, Rust's SocketAddr, or none: neard's
 * default 0.0.0.0:3030), an oracle says the exact URL: the address as written, on loopback when neard
 * listens on every interface (0.0.0.0, :: in any spelling), or the refusal of a port beyond 65535.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { OperatorError } from '../../src/errors.js';
import { readNeardHome, type NeardHomeInfo } from '../../src/neard-config.js';
import { anyJson } from '../support/hostile-answers.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
import { createNodeHomeFiles, createPoolKeys } from '../support/neard-homes.js';

let dir: string;
let goodConfig: string;
let count = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'neard-config-fuzz-'));
  const node = createNodeHomeFiles(dir, 'node', createPoolKeys(dir));
  goodConfig = readFileSync(join(node.home, 'config.json'), 'utf8');
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh home with genesis.json and this config.json (none when undefined). */
function homeWith(config: string | Uint8Array | undefined): string {
  const home = join(dir, `home-${count++}`);
  mkdirSync(home);
  writeFileSync(join(home, 'genesis.json'), '{}');
  if (config !== undefined) writeFileSync(join(home, 'config.json'), config);
  return home;
}

/** Read the home; on failure check the error names the file and says what to do, and return it. */
function read(home: string): NeardHomeInfo | OperatorError {
  try {
    const info = readNeardHome(home);
    assert.ok(URL.canParse(info.rpcUrl), `rpc URL ${info.rpcUrl} parses`);
    return info;
  } catch (error) {
    assert.ok(error instanceof OperatorError, `an OperatorError, not ${String(error)}`);
    assert.ok(error.message.includes(join(home, 'config.json')) || error.message.includes(`--neard-home ${home}`), `names the file: ${error.message}`);
    assert.match(error.message, /(Check|[Ff]ix|[Ii]nitialise|must|[Pp]oint|[Cc]opy).*\.$/, `says what to do: ${error.message}`);
    return error;
  }
}

/** rpc.addr as a broken config may hold it. */
/** The message of the refusal of `home`; fails when the home was accepted. */
function refusal(home: string): string {
  const result = read(home);
  assert.ok(result instanceof OperatorError, `refused, not accepted as ${JSON.stringify(result)}`);
  return result.message;
}

const rpcAddr = fc.oneof(
  fc.tuple(fc.oneof(fc.constantFrom('0.0.0.0', '127.0.0.1', '::', '[::1]', 'localhost', 'a b', 'x/y', '%', '[', 'é'), fc.string({ maxLength: 8 })), fc.integer({ min: -1, max: 70000 })).map(([host, port]) => `${host}:${port}`),
  fc.string({ maxLength: 20 }),
  anyJson,
);

/** A config.json: neard's with rpc changed, random JSON, random bytes, or neard's cut short. */
const configContent = fc.oneof(
  fc.record({ rpc: fc.oneof(fc.record({ addr: rpcAddr }), anyJson) }).map((patch) => JSON.stringify({ ...(JSON.parse(goodConfig) as object), ...patch })),
  anyJson.map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 100 }),
  fc.nat({ max: 2000 }).map((cut) => goodConfig.slice(0, cut)),
);

/** An IPv4 address as Rust writes one (no leading zeros), octets sometimes beyond 255. */
const ipv4 = fc.tuple(...Array.from({ length: 4 }, () => fc.oneof({ weight: 9, arbitrary: fc.nat(255) }, { weight: 1, arbitrary: fc.integer({ min: 256, max: 999 }) }))).map((octets) => octets.join('.'));

/** The unspecified IPv6 address in the spellings Rust and people use. */
const UNSPECIFIED_V6 = ['::', '0:0:0:0:0:0:0:0', '::0', '0::0', '0:0::0', '::0.0.0.0', '0000::'];

/** rpc.addr as neard's config holds it, with the URL the supervisor must ask (or null: refused, naming rpc.addr). */
const socketAddr = fc
  .tuple(
    fc.oneof(
      ipv4.map((host) => ({ written: host, url: host === '0.0.0.0' ? '127.0.0.1' : host, valid: host.split('.').every((o) => Number(o) <= 255) })),
      fc.constant({ written: '0.0.0.0', url: '127.0.0.1', valid: true }),
      // Only zeros (and the separators) is the unspecified address, whatever the spelling.
      fc.ipV6().map((host) => ({ written: `[${host}]`, url: /^[0:.]*$/.test(host) ? '127.0.0.1' : `[${host}]`, valid: true })),
      fc.constantFrom(...UNSPECIFIED_V6).map((host) => ({ written: `[${host}]`, url: '127.0.0.1', valid: true })),
    ),
    fc.oneof({ weight: 9, arbitrary: fc.nat(65535) }, { weight: 1, arbitrary: fc.integer({ min: 65536, max: 99999 }) }),
  )
  .map(([host, port]) => ({ addr: `${host.written}:${port}`, url: host.valid && port <= 65535 ? `http://${host.url}:${port}` : null }));

describe('neard config.json, fuzzed', () => {
  test('rpc.addr as neard writes it: exactly the /status URL an oracle derives, or a refusal naming rpc.addr', () => {
    fc.assert(
      fc.property(socketAddr, fc.boolean(), ({ addr, url }, inFullConfig) => {
        const base = inFullConfig ? (JSON.parse(goodConfig) as Record<string, unknown>) : {};
        const home = homeWith(JSON.stringify({ ...base, rpc: { ...(base.rpc as object | undefined), addr } }));
        const result = read(home);
        if (url === null) {
          assert.ok(result instanceof OperatorError, `${addr}: accepted as ${JSON.stringify(result)}`);
          assert.match(result.message, /rpc\.addr/);
        } else {
          assert.ok(!(result instanceof OperatorError), `${addr}: ${result instanceof OperatorError ? result.message : ''}`);
          assert.deepEqual(result, { configPath: join(home, 'config.json'), rpcAddr: addr, rpcUrl: url });
        }
      }),
      fuzzRuns(300),
    );
  });

  test('no rpc section, or one without addr: neard\'s default 0.0.0.0:3030, asked on loopback', () => {
    for (const config of [{}, { rpc: {} }, { rpc: null }, { rpc: { addr: null } }]) {
      const home = homeWith(JSON.stringify(config));
      assert.deepEqual(read(home), { configPath: join(home, 'config.json'), rpcAddr: '0.0.0.0:3030', rpcUrl: 'http://127.0.0.1:3030' }, JSON.stringify(config));
    }
  });

  test('any config.json: a /status URL that parses, or an OperatorError naming the file', () => {
    fc.assert(
      fc.property(configContent, (content) => {
        read(homeWith(content));
      }),
      fuzzRuns(400),
    );
  });

  test('a huge config.json (8 MiB of padding) is read', () => {
    const config = JSON.stringify({ ...(JSON.parse(goodConfig) as object), padding: 'x'.repeat(8 * 1024 * 1024) });
    assert.ok(!(read(homeWith(config)) instanceof OperatorError));
  });

  test('no config.json says to initialise the home', () => {
    const home = homeWith(undefined);
    assert.match(refusal(home), /config\.json does not exist\. Initialise the home/);
  });

  // Shrunk counterexamples of the property above, kept as plain tests.
  test('an rpc.addr without a host says how to fix it', () => {
    const home = homeWith(JSON.stringify({ rpc: { addr: ':0' } }));
    assert.match(refusal(home), /rpc\.addr: ':0' is not an address of the form host:port\. Fix rpc\.addr in .*config\.json \(example: "0\.0\.0\.0:3030"\)\.$/);
  });

  test('an rpc.addr whose host cannot be in a URL is refused', () => {
    const home = homeWith(JSON.stringify({ rpc: { addr: 'a b:0' } }));
    assert.match(refusal(home), /rpc\.addr 'a b:0' is not an address neard's \/status can be asked at/);
  });

  test('a config.json that is not UTF-8 is refused as such', () => {
    const home = homeWith(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    assert.match(refusal(home), /config\.json is not UTF-8 text/);
  });

  test('a config.json that is a directory is named as one', () => {
    const home = homeWith(undefined);
    mkdirSync(join(home, 'config.json'));
    assert.match(refusal(home), /\(EISDIR\)\. It is a directory/);
  });

  test('a config.json in a symlink loop is named as one', () => {
    const home = homeWith(undefined);
    symlinkSync(join(home, 'loop'), join(home, 'config.json'));
    symlinkSync(join(home, 'config.json'), join(home, 'loop'));
    assert.match(refusal(home), /\(ELOOP\)\. Its symlinks form a loop/);
  });
});
