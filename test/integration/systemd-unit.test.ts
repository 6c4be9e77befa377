/**
 * deploy/kuutamod.service: `systemd-analyze verify` accepts it (the tool comes from
 * scripts/install-systemd-analyze.sh on a fresh machine), it hands the daemon what the daemon
 * reads (credential names, option variables), and its sandbox keeps the guard's
 * `setpriv --pdeathsig KILL` working: checked by expanding the syscall filter with systemd's own
 * tables and by running setpriv under the same no-new-privileges, no-capabilities restriction.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KUUTAMOD_BIN } from '../support/kuutamod.js';
import { REPO_ROOT } from '../support/paths.js';
import { commOf, isRunning } from '../support/process-state.js';
import { until } from '../support/until.js';

const UNIT_FILE = join(REPO_ROOT, 'deploy', 'kuutamod.service');
const unit = readFileSync(UNIT_FILE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'systemd-unit-'));
let systemdAnalyze: string;

before(() => {
  systemdAnalyze = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'install-systemd-analyze.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every value of `key=` in the unit, in order. */
function values(key: string): string[] {
  return unit
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

test('systemd-analyze verify accepts the unit without a warning', () => {
  // verify insists that ExecStart is executable; point it at this checkout's kuutamod.
  const copy = join(dir, 'kuutamod.service');
  writeFileSync(copy, unit.replace(/^ExecStart=\S+/m, `ExecStart=${KUUTAMOD_BIN}`));
  const result = spawnSync(systemdAnalyze, ['verify', copy], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr.trim(), '', 'no warnings');
  assert.deepEqual(values('ExecStart'), ['/usr/local/bin/kuutamod'], 'where npm install -g puts the bin');
});

test('credentials: the three key files and the token under the names kuutamod defaults to', () => {
  const credentials = values('LoadCredential').map((value) => value.split(':')[0]);
  assert.deepEqual(credentials, ['validator_key.json', 'validator_node_key.json', 'voter_node_key.json', 'consul_token']);
  assert.ok(!values('Environment').some((value) => value.startsWith('KUUTAMO_CONSUL_TOKEN_FILE=')), 'the token file needs no variable');
  const help = execFileSync(process.execPath, [KUUTAMOD_BIN, '--help'], { encoding: 'utf8' });
  for (const name of credentials) assert.ok(help.includes(`$CREDENTIALS_DIRECTORY/${name}`), `kuutamod --help names ${name}`);
  // Variables set by the unit or by the example EnvironmentFile must be ones kuutamod reads.
  const example = readFileSync(join(REPO_ROOT, 'deploy', 'kuutamod.env.example'), 'utf8').match(/^KUUTAMO_[A-Z_]+/gm) ?? [];
  assert.ok(example.length > 0);
  for (const variable of [...values('Environment').map((value) => value.split('=')[0]!), ...example]) {
    assert.ok(help.includes(variable), `kuutamod reads ${variable}`);
  }
});

test('neard cannot outlive the unit; the file system is read-only but for the neard home', () => {
  assert.deepEqual(values('KillMode'), ['control-group']);
  assert.deepEqual(values('Restart'), ['always']);
  assert.deepEqual(values('NoNewPrivileges'), ['yes']);
  assert.deepEqual(values('ProtectSystem'), ['strict']);
  assert.deepEqual(values('ReadWritePaths'), ['/var/lib/neard']);
  assert.ok(values('Environment').includes('KUUTAMO_NEARD_HOME=/var/lib/neard'), 'the writable path is the home kuutamod uses');
  for (const key of ['ProtectHome', 'PrivateTmp', 'PrivateDevices']) assert.deepEqual(values(key), ['yes'], key);
  assert.deepEqual(values('MemoryDenyWriteExecute'), [], "MemoryDenyWriteExecute would break Node's JIT");
});

test("the syscall filter allows what the guard and setpriv --pdeathsig need (systemd's own tables)", () => {
  const [filter] = values('SystemCallFilter');
  assert.ok(filter, 'a syscall filter is set');
  const allowed = new Set<string>();
  // A group lists its member groups by name (@system-service includes @process): expand them too.
  const expand = (entry: string): void => {
    if (!entry.startsWith('@')) return void allowed.add(entry);
    const listed = execFileSync(systemdAnalyze, ['syscall-filter', entry], { encoding: 'utf8' });
    for (const line of listed.split('\n').slice(1).map((l) => l.trim())) {
      if (line && !line.startsWith('#') && !allowed.has(line)) expand(line);
    }
    allowed.add(entry);
  };
  for (const entry of filter.split(/\s+/)) expand(entry);
  for (const syscall of ['prctl', 'execve', 'clone', 'fork', 'kill', 'wait4', 'getppid']) assert.ok(allowed.has(syscall), `${syscall} allowed`);
});

test('setpriv --pdeathsig KILL works with no new privileges and no capabilities, as in the unit', async () => {
  // The unit's NoNewPrivileges=yes and empty CapabilityBoundingSet, applied by setpriv itself;
  // inside, a shell starts `sleep` the way the guard starts neard, and prints its pid.
  const shell = spawn('setpriv', ['--no-new-privs', '--bounding-set', '-all', '--inh-caps', '-all', '--', 'sh', '-c', 'setpriv --pdeathsig KILL -- sleep 600 & echo $!; wait'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve) => shell.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  assert.ok(pid > 0);
  // $! is the forked shell: setpriv sets the death signal only once it runs, then execs sleep. Killing the
  // parent before that (seen under load) would test nothing, so wait for sleep to be running.
  await until('setpriv to exec sleep', () => commOf(pid) === 'sleep', 10_000);
  assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^NoNewPrivs:\s+1$/m);
  shell.kill('SIGKILL');
  // The kernel kills `sleep` once its parent is gone: wait for that, no fixed sleep.
  try {
    await until('the child to die with its parent', () => !isRunning(pid), 10_000);
  } finally {
    // A survivor holds the test's stdout pipe open, and with it this test file, for its 600 s.
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
});
