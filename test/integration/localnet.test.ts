/**
 * The one-command localnet, end to end, as an operator uses it: `localnet start` in a temporary
 * data dir (real Consul, the neard stand-in, two kuutamods from the Procfile), exactly one
 * instance validates, `localnet fault` mutes its machine (every stand-in shares one validator log,
 * so node0 counts the pool's blocks and sees them stop), the validating daemon is SIGKILLed, the
 * other takes over on its healthy machine, then a Ctrl-C (SIGINT to the runner's process group, as a
 * terminal sends it) leaves no process behind.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { liveProcesses, signalGroup } from '../../localnet/proc-table.js';
import type { Plan } from '../../localnet/plan.js';
import type { RunningFile } from '../../localnet/running.js';
import { EXTRA_OPTIONS } from '../../src/settings.js';
import type { StateView } from '../../src/state-view.js';
import { consulBinary } from '../support/consul.js';
import { FAST_NEARD_ENV, FAST_TIMINGS } from '../support/kuutamod.js';
import { REPO_ROOT } from '../support/paths.js';
import { until, untilValue } from '../support/until.js';

const CLI = join(REPO_ROOT, 'dist', 'localnet', 'cli.js');
const dataDir = mkdtempSync(join(tmpdir(), 'localnet-it-'));

/** FAST_TIMINGS as KUUTAMO_* variables: the plan sets no timing flags, so the environment decides. */
function fastTimingEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < FAST_TIMINGS.length; i += 2) {
    const spec = EXTRA_OPTIONS.find((o) => o.flags.startsWith(`${FAST_TIMINGS[i]} `));
    assert.ok(spec, `no option ${FAST_TIMINGS[i]}`);
    env[spec.env] = FAST_TIMINGS[i + 1] ?? '';
  }
  return env;
}

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  ...fastTimingEnv(),
  ...FAST_NEARD_ENV,
  LOCALNET_NEARD: 'standin', // the stand-in even if a real neard is on PATH
  CONSUL_BIN: consulBinary(),
  // Epochs of 1000 blocks (200 s), so the per-epoch counts this test compares do not start again mid-way.
  NEARD_STANDIN_EPOCH_LENGTH: '1000',
};

/** Everything this run could have left: its processes all name the temp data dir. */
function leftovers(): string[] {
  return liveProcesses()
    .filter((p) => p.pid !== process.pid && p.cmdline.includes(dataDir))
    .map((p) => `${p.pid} ${p.cmdline.slice(0, 120)}`);
}

let runner: ChildProcess | undefined;
let output = '';

after(async () => {
  // Only on failure is anything still running: kill every group we know of, then strays.
  if (runner?.pid !== undefined) signalGroup(runner.pid, 'SIGKILL');
  const running = readJson<RunningFile>(join(dataDir, 'running.json'));
  for (const p of running?.processes ?? []) signalGroup(p.pid, 'SIGKILL');
  for (const p of liveProcesses().filter((x) => x.cmdline.includes(dataDir))) signalGroup(p.pgid, 'SIGKILL');
  // Best effort before removing their files: the directory goes either way.
  await until('every process of the run gone', () => leftovers().length === 0, 5_000).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Poll until `probe` gives a value; stops at once if the localnet runner exits, and shows the tail of its output. */
function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined> | T | null | undefined): Promise<T> {
  return untilValue(what, probe, {
    timeoutMs,
    intervalMs: 100,
    failFast: () => (runner && (runner.exitCode ?? runner.signalCode) !== null ? `the localnet runner exited (${runner.exitCode ?? runner.signalCode})` : undefined),
    detail: () => `--- localnet output (tail) ---\n${output.slice(-6000)}`,
  });
}

async function state(url: string): Promise<StateView | null> {
  try {
    return (await (await fetch(`${url}/state`, { signal: AbortSignal.timeout(1_000) })).json()) as StateView;
  } catch {
    return null;
  }
}

const validating = (v: StateView | null): boolean => v?.state === 'Validating' && v.neardMode === 'validator';

/** node0's count of the pool account's (node3's) blocks: produced, expected. */
async function poolBlocks(rpc: string, accountId: string): Promise<{ produced: number; expected: number } | null> {
  try {
    const text = await (await fetch(`http://${rpc}/metrics`, { signal: AbortSignal.timeout(1_000) })).text();
    const value = (name: string): number => Number(new RegExp(`^${name}\\{account_id="${accountId}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { produced: value('near_validators_blocks_produced'), expected: value('near_validators_blocks_expected') };
  } catch {
    return null;
  }
}

const localnetCli = (args: string[]) => spawnSync(process.execPath, [CLI, '--data-dir', dataDir, ...args], { cwd: REPO_ROOT, env: ENV, encoding: 'utf8' });

test('npm start: one validator, SIGKILL it, the other takes over, Ctrl-C leaves nothing running', { timeout: 180_000 }, async () => {
  runner = spawn(process.execPath, [CLI, '--data-dir', dataDir, '--any-ports', 'start'], {
    cwd: REPO_ROOT,
    env: ENV,
    detached: true, // its own process group, like a shell job: Ctrl-C goes to the whole group
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  runner.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  runner.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const runnerExit = new Promise<number | null>((resolve) => runner?.once('exit', (code) => resolve(code)));

  const running = await waitFor('running.json with the started processes', 90_000, () => {
    const file = readJson<RunningFile>(join(dataDir, 'running.json'));
    return file && file.processes.length > 0 ? file : null;
  });
  assert.deepEqual(running.processes.map((p) => p.name), ['consul', 'node0', 'node1', 'node2', 'kuutamod0', 'kuutamod1']);
  const plan = readJson<Plan>(join(dataDir, 'localnet.json'));
  assert.ok(plan);
  // running.json is written just before the "look" lines are printed, and the pipe delivers them later still.
  const urlLines = plan.kuutamods.map((k) => `${k.name}: ${k.exporterUrl}/ui (live state page)  /metrics  /state`);
  await waitFor('the printed URLs of every kuutamod', 30_000, () => (urlLines.every((line) => output.includes(line)) ? true : null));
  assert.match(output, /neard: the neard stand-in localnet\/bin\/neard \[neard \(release [^\]]*standin/);
  assert.match(output, new RegExp(`KUUTAMO_ACCOUNT_ID=node3 bin/kuutamoctl.js --consul-url ${plan.consulUrl} active-validator`));
  for (const k of plan.kuutamods) assert.ok(output.includes(`${k.name}: ${k.exporterUrl}/ui (live state page)  /metrics  /state`), `${k.name} URLs printed`);
  // Planned operations with arguments the localnet's 3-block windows accept, and the gray failures.
  assert.match(output, /KUUTAMO_NEARD_HOME=\S+kuutamod0 bin\/kuutamoctl\.js switchover --minimum-length 3 --wait/);
  assert.match(output, /KUUTAMO_NEARD_HOME=\S+kuutamod1 bin\/kuutamoctl\.js restart 3 --wait/);
  assert.match(output, new RegExp(`KUUTAMO_ACCOUNT_ID=node3 bin/kuutamoctl.js --consul-url ${plan.consulUrl} list`));
  assert.ok(output.includes(`LOCALNET_DATA_DIR=${dataDir} npm run localnet:fault -- validator isolated`), 'the fault command, with this data dir');
  // The homes are laid out as in the tutorial, node3 holding the pool's keys.
  for (const home of ['node0', 'node1', 'node2', 'node3', 'kuutamod0', 'kuutamod1']) {
    assert.ok(existsSync(join(dataDir, 'near', 'localnet', home, 'genesis.json')), home);
  }

  // Exactly one validates (with the validator key), the other votes.
  const [leader, standby] = await waitFor('one Validating and one Voting instance', 60_000, async () => {
    const [a, b] = plan.kuutamods;
    if (!a || !b) return null;
    const [va, vb] = await Promise.all([state(a.exporterUrl), state(b.exporterUrl)]);
    if (validating(va) && vb?.state === 'Voting') return [{ ...a, view: va! }, { ...b, view: vb }] as const;
    if (validating(vb) && va?.state === 'Voting') return [{ ...b, view: vb! }, { ...a, view: va }] as const;
    return null;
  });
  const ctl = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kuutamoctl.js'), '--consul-url', plan.consulUrl, 'active-validator'], {
    env: { ...ENV, KUUTAMO_ACCOUNT_ID: plan.accountId },
    encoding: 'utf8',
  });
  assert.equal(ctl.stdout, `Name: ${leader.name}\n`, ctl.stderr);

  // A second localnet on the same data dir is refused while this one runs.
  const second = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, '--any-ports', 'start'], { env: ENV, encoding: 'utf8' });
  assert.equal(second.status, 1);
  assert.match(second.stderr, /already running on/);

  // Every stand-in shares the localnet's validator log: node0 counts the blocks the leader's neard produces.
  const node0Rpc = readJson<{ rpc: { addr: string } }>(join(dataDir, 'near', 'localnet', 'node0', 'config.json'))?.rpc.addr;
  assert.ok(node0Rpc);
  assert.ok(plan.validatorLog, 'the plan names the shared validator log');
  await waitFor("node0 counting the pool's blocks", 30_000, async () => ((await poolBlocks(node0Rpc, plan.accountId))?.produced ?? 0) > 0 ? true : null);
  // A gray failure of the validating machine through the localnet's command: its duties count as missed everywhere.
  const badTarget = localnetCli(['fault', 'node9', 'mute']);
  assert.equal(badTarget.status, 2);
  assert.match(badTarget.stderr, /TARGET must be one of node0, node1, node2, kuutamod0, kuutamod1, validator, chain; got 'node9'/);
  const muted = localnetCli(['fault', 'validator', 'mute']);
  assert.equal(muted.status, 0, muted.stderr);
  assert.match(muted.stdout, new RegExp(`^${leader.name} \\(validating now\\): standin-fault: \\S+/${leader.name} mute \\(\\S+validators\\.jsonl\\.faults\\)`));
  const atMute = await poolBlocks(node0Rpc, plan.accountId);
  assert.ok(atMute);
  const stuck = await waitFor('the pool account missing blocks on node0', 30_000, async () => {
    const now = await poolBlocks(node0Rpc, plan.accountId);
    return now && now.expected >= atMute.expected + 3 ? now : null;
  });
  assert.equal(stuck.produced, atMute.produced, 'nothing the muted machine makes counts');

  // Crash the validating daemon: its neard (left behind in its process group) must go too,
  // and the standby must take over once Consul drops the dead session.
  const leaderPid = running.processes.find((p) => p.name === leader.name)?.pid;
  assert.ok(leaderPid);
  const oldNeard = leader.view.neardPid;
  process.kill(leaderPid, 'SIGKILL');
  await waitFor(`${standby.name} Validating`, 60_000, async () => (validating(await state(standby.exporterUrl)) ? true : null));
  await waitFor(`the killed leader's neard ${oldNeard} gone`, 20_000, () =>
    liveProcesses().some((p) => p.pid === oldNeard) ? null : true,
  );
  assert.match(output, new RegExp(`${leader.name} +\\| exited \\(signal SIGKILL\\); the other processes keep running`));
  // The fault stayed with the old leader's machine: the new leader's blocks count again.
  await waitFor("the new leader's blocks counted on node0", 30_000, async () => ((await poolBlocks(node0Rpc, plan.accountId))?.produced ?? 0) > stuck.produced ? true : null);

  // Ctrl-C: SIGINT to the runner's process group.
  signalGroup(runner.pid!, 'SIGINT');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 90_000).unref());
  const code = await Promise.race([runnerExit, timer]);
  assert.equal(code, 0, output.slice(-4000));
  assert.match(output, /all processes stopped/);
  assert.deepEqual(leftovers(), []);
  for (const p of running.processes) assert.ok(!liveProcesses().some((x) => x.pgid === p.pid), `group of ${p.name} is empty`);
  assert.ok(!existsSync(join(dataDir, 'running.json')));
});

test('localnet/bin/proc runs a Procfile entry from the prepared data dir', () => {
  // The first test prepared dataDir; `command` prints exactly what the Procfile entry runs.
  const printed = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'command', 'kuutamod1'], { encoding: 'utf8' });
  assert.equal(printed.status, 0, printed.stderr);
  // The stand-ins' shared validator log reaches kuutamod's neard through kuutamod's environment.
  assert.match(printed.stdout, /^NEARD_STANDIN_VALIDATOR_LOG=\S+\/near\/validators\.jsonl bin\/kuutamod\.js --consul-url http:\/\/127\.0\.0\.1:\d+ --node-id kuutamod1 --account-id node3 /);
  const unknown = spawnSync(join(REPO_ROOT, 'localnet', 'bin', 'proc'), ['node9'], { env: { ...ENV, LOCALNET_DATA_DIR: dataDir }, encoding: 'utf8' });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no process 'node9'.*known: consul, node0, node1, node2, kuutamod0, kuutamod1/);
});

test('a neard on PATH is the one the localnet uses: homes from its `localnet`, named in the output', () => {
  // A "real" neard: reports a release build and logs its arguments, then does the stand-in's work.
  const bin = join(dataDir, 'fake-bin');
  const calls = join(bin, 'calls.log');
  rmSync(bin, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'neard'), [
    '#!/usr/bin/env bash',
    `echo "$*" >> ${calls}`,
    '[[ "$1" == --version ]] && { echo "neard (release 2.6.5) (build 2.6.5)"; exit 0; }',
    `exec ${join(REPO_ROOT, 'localnet', 'bin', 'neard')} "$@"`,
    '',
  ].join('\n'));
  chmodSync(join(bin, 'neard'), 0o755);
  const otherData = join(dataDir, 'with-real-neard');
  const env: NodeJS.ProcessEnv = { ...ENV, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
  delete env['LOCALNET_NEARD'];
  const setup = spawnSync(process.execPath, [CLI, '--data-dir', otherData, '--any-ports', 'setup'], { env, encoding: 'utf8' });
  assert.equal(setup.status, 0, setup.stderr);
  assert.match(setup.stdout, new RegExp(`neard: the real neard ${bin}/neard \\[neard \\(release 2\\.6\\.5\\) \\(build 2\\.6\\.5\\)\\], found on PATH`));
  assert.match(readFileSync(calls, 'utf8'), /--home \S+\/near\/localnet\.tmp-\d+ localnet --v 4/);
  assert.ok(setup.stdout.includes(`# node0\n${bin}/neard \\\n    --home ${otherData}/near/localnet/node0 run\n`), 'node0 runs the PATH neard');

  // Homes made by one kind of neard are not silently reused by the other.
  const standin = spawnSync(process.execPath, [CLI, '--data-dir', otherData, 'setup'], { env: { ...env, LOCALNET_NEARD: 'standin' }, encoding: 'utf8' });
  assert.equal(standin.status, 1);
  assert.match(standin.stderr, /was created for the real neard .* but this run uses the standin one/);
});
