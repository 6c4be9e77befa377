/**
 * Install like a package: `npm pack` of this checkout installs globally on an empty prefix with
 * no dev dependencies, no build and no install script on the user's machine, and no engine
 * warning on Node 20; the installed `kuutamod` and `kuutamoctl` answer --help, and `kuutamoctl
 * active-validator` reads a real Consul.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { ACCOUNT_ID } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import { REPO_ROOT } from '../support/paths.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'npm-pack-'));
const prefix = join(dir, 'prefix');
let tarball: string;
let installLog: string;
let consul: ConsulServer | undefined;

// npm settings of an outer `npm test` (npm_config_*) must not steer the user's install.
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

before(async () => {
  // --ignore-scripts: `npm test` has just built dist/; prepack would rebuild it under the suite's feet.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, env: cleanEnv(), maxBuffer: 16 << 20 });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(dir, info!.filename);
  const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: dir, env: cleanEnv(), maxBuffer: 16 << 20 });
  installLog = installed.stdout + installed.stderr;
}, { timeout: 300_000 });

after(async () => {
  await consul?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const installedPackage = () => join(prefix, 'lib', 'node_modules', 'kuutamod-ts');

test('the tarball carries the compiled code, the deploy files and docs, and no tests or sources', async () => {
  const { stdout } = await run('tar', ['tzf', tarball]);
  const files = stdout.split('\n').filter(Boolean);
  for (const needed of [
    'package/dist/src/cli/kuutamod.js',
    'package/dist/src/cli/kuutamoctl.js',
    'package/dist/services/neard/guard/main.js',
    'package/dist/browser/ui/browser/main.js',
    'package/dist/services/consul/election.js',
    'package/dist/machines/failover.js',
    'package/deploy/kuutamod.service',
    'package/deploy/consul/kuutamod-policy.hcl',
    'package/docs/deploy.md',
  ]) {
    assert.ok(files.includes(needed), `${needed} is in the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^package\/(dist\/test|test|localnet|node_modules)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map')), []);
});

test('a global install on an empty prefix: no engine warning, no install script, no dev dependencies', () => {
  assert.doesNotMatch(installLog, /EBADENGINE|install-scripts|gyp/i, installLog);
  const modules = readdirSync(join(installedPackage(), 'node_modules'));
  for (const dev of ['typescript', 'playwright-core', '@types']) assert.ok(!modules.includes(dev), `${dev} not installed`);
  assert.ok(!existsSync(join(installedPackage(), 'node_modules', 'secp256k1')), 'no native secp256k1');
});

test('the installed kuutamod and kuutamoctl answer --help', async () => {
  const daemon = await run(join(prefix, 'bin', 'kuutamod'), ['--help'], { env: cleanEnv() });
  assert.match(daemon.stdout, /--consul-token-file <file>/);
  assert.match(daemon.stdout, /--consul-ca-file <file>/);
  const ctl = await run(join(prefix, 'bin', 'kuutamoctl'), ['--help'], { env: cleanEnv() });
  assert.match(ctl.stdout, /active-validator/);
});

test('the installed kuutamoctl active-validator reads a real Consul', async () => {
  consul = await startConsulServer();
  const installed = [join(prefix, 'bin', 'kuutamoctl')];
  const none = await kuutamoctl(['--consul-url', consul.url, 'active-validator'], {}, installed);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'No leader found\n');

  // A leader as kuutamod records one: a session named after the node holding the account's key.
  const session = (await (await fetch(`${consul.url}/v1/session/create`, { method: 'PUT', body: JSON.stringify({ Name: 'packed-node', TTL: '30s' }) })).json()) as { ID: string };
  const acquired = await (await fetch(`${consul.url}/v1/kv/kuutamod-leader/${ACCOUNT_ID}?acquire=${session.ID}`, { method: 'PUT', body: '{"NodeId":"packed-node"}' })).json();
  assert.equal(acquired, true);
  const found = await kuutamoctl(['--consul-url', consul.url, 'active-validator'], {}, installed);
  assert.equal(found.code, 0, found.stderr);
  assert.equal(found.stdout, 'Name: packed-node\n');
});
