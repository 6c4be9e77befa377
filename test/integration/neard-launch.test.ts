// The guard's neard command line (services/neard/guard/neard-launch.ts) with the real setpriv and sh:
// neard starts, in the pid the guard spawned, while the guard lives; and a guard that dies between its
// fork and setpriv's death-signal request, the window setpriv alone leaves open, never gets neard started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GUARD_GONE_EXIT, neardLaunch } from '../../services/neard/guard/neard-launch.js';
import { commOf, isRunning } from '../support/process-state.js';
import { until } from '../support/until.js';

const LAUNCH_MODULE = fileURLToPath(new URL('../../services/neard/guard/neard-launch.js', import.meta.url));

test('while the guard lives, neard is exec-ed in the pid the guard spawned, with its arguments', async () => {
  const launch = neardLaunch('sleep', ['600']);
  assert.equal(launch.diesWithGuard, true, 'setpriv and sh are installed here');
  const child = spawn(launch.file, launch.argv, { stdio: 'ignore' });
  try {
    await until('sleep to be exec-ed in the spawned pid', () => commOf(child.pid!) === 'sleep', 10_000);
  } finally {
    child.kill('SIGKILL');
  }
  const echoLaunch = neardLaunch('echo', ['a b', '$HOME']);
  const echo = spawn(echoLaunch.file, echoLaunch.argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  echo.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(echo, 'close')) as [number | null]; // 'close': all output read
  assert.equal(code, 0);
  assert.equal(out, 'a b $HOME\n', 'arguments reach neard unchanged (no second shell expansion)');
});

test('a parent other than the guard: the shell refuses to start neard and says why', async () => {
  const launch = neardLaunch('echo', ['started'], 1);
  const child = spawn(launch.file, launch.argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  assert.equal(code, GUARD_GONE_EXIT);
  assert.equal(out, '');
  assert.match(err, /neard guard \(pid 1\) is gone: not starting echo/);
});

/**
 * A stand-in guard (a node process) spawns neard's command line through a shell that waits for a go
 * file, then exits at once; the go file appears only after it exited. So the guard is dead before
 * setpriv runs, as after a SIGKILL right after the fork. The stand-in neard is `touch <marker>`.
 * Returns whether it ran, once the orphan has finished.
 */
async function guardDiesBeforeSetpriv(dir: string, checked: boolean): Promise<boolean> {
  const marker = join(dir, checked ? 'checked' : 'unchecked');
  const script = `
    const { spawn } = await import('node:child_process');
    const { neardLaunch } = await import(${JSON.stringify(LAUNCH_MODULE)});
    const launch = ${checked}
      ? neardLaunch('touch', [${JSON.stringify(marker)}], process.pid)
      : { file: '/usr/bin/setpriv', argv: ['--pdeathsig', 'KILL', '--', 'touch', ${JSON.stringify(marker)}] };
    const child = spawn('sh', ['-c', 'while [ ! -e "$0" ]; do sleep 0.01; done; exec "$@"', ${JSON.stringify(join(dir, `go-${checked}`))}, launch.file, ...launch.argv], { stdio: 'ignore' });
    process.stdout.write(String(child.pid));
    process.exit(0);
  `;
  const guard = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let printed = '';
  guard.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  // 'close', not 'exit': stdout may still hold the pid when the process has exited.
  await once(guard, 'close');
  const orphan = Number(printed);
  assert.ok(orphan > 0, `the stand-in guard printed its child's pid (${printed})`);
  // The guard is gone; only now may its orphan go on to setpriv.
  writeFileSync(join(dir, `go-${checked}`), '');
  await until('the orphan to finish', () => !isRunning(orphan), 10_000);
  return existsSync(marker);
}

test('a guard that dies before setpriv runs never gets neard started (setpriv alone would start it)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'neard-launch-'));
  try {
    assert.equal(await guardDiesBeforeSetpriv(dir, false), true, 'without the check the orphan starts neard: the window exists');
    assert.equal(await guardDiesBeforeSetpriv(dir, true), false, 'with the check neard never starts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
