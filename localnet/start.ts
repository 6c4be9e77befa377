/**
 * `npm start`: set up, then run the Procfile's processes (Consul first and ready, then the neard
 * nodes, then the kuutamods, the second once the first has registered so that the first
 * validates; it is only waited for, never required), print where to look, watch the failover, and stop everything on Ctrl-C.
 */
import { errorMessage } from '../services/error-message.js';
import { liftLeftoverFaults } from './fault.js';
import { waitConsulReady } from './consul.js';
import { headerText, lookText } from './instructions.js';
import { REPO_ROOT, type Layout } from './paths.js';
import type { Plan, Role } from './plan.js';
import { readProcfile } from './procfile.js';
import { removeRunning, writeRunning } from './running.js';
import { Runner, type Managed } from './runner.js';
import { setupLocalnet } from './setup.js';
import { waitForState, watchStates } from './watch.js';

// SIGTERM -> SIGKILL grace per role: kuutamod gives its neard 60 s itself (--neard-stop-timeout).
const GRACE_MS: Record<Role, number> = { kuutamod: 75_000, neard: 30_000, consul: 10_000 };
const STOP_WAVES = (plan: Plan): string[][] =>
  (['kuutamod', 'neard', 'consul'] as const).map((role) => plan.processes.filter((p) => p.role === role).map((p) => p.name));

export async function startLocalnet(l: Layout, preferWellKnownPorts = true): Promise<number> {
  // A closed terminal or a dead `| tee` must not kill the runner before it has stopped everything.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const plan = await setupLocalnet(l, say, preferWellKnownPorts);
  writeRunning(l, { runnerPid: process.pid, processes: [] });
  say(headerText(plan));
  const lifted = liftLeftoverFaults(l, plan);
  if (lifted.length > 0) say(`lifted faults left from an earlier run: ${lifted.join(', ')}`);

  const runner = new Runner({
    cwd: REPO_ROOT,
    env: { ...process.env, LOCALNET_DATA_DIR: l.dataDir },
    logsDir: l.logsDir,
    write: say,
    color: process.stdout.isTTY === true,
  });
  const stopRequested = new AbortController();
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Ctrl-C under `npm start` arrives twice at once (from the terminal, and forwarded by npm):
    // only a signal a second or more after the first one means "kill now".
    if (firstSignalAt === 0) {
      firstSignalAt = Date.now();
      runner.say('localnet', `${signal}: stopping everything (kuutamods, then neard, then consul); Ctrl-C again to kill at once`);
      stopRequested.abort();
    } else if (Date.now() - firstSignalAt >= 1_000) {
      runner.say('localnet', `${signal} again: SIGKILL to every process group`);
      runner.killAll();
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  try {
    await startAll(plan, runner, stopRequested.signal);
    if (!stopRequested.signal.aborted) {
      writeRunning(l, { runnerPid: process.pid, processes: runner.processes.map((p) => ({ name: p.name, pid: p.pid })) });
      say(lookText(plan, runner.processes));
      void watchStates(plan.kuutamods, (line) => runner.say('watch', line), stopRequested.signal);
    }
  } catch (error) {
    // After Ctrl-C during startup the waits end early; that is not a failure worth reporting.
    if (!stopRequested.signal.aborted) runner.say('localnet', `startup failed: ${errorMessage(error)}`);
    stopRequested.abort();
  }
  await new Promise<void>((resolve) => {
    if (stopRequested.signal.aborted) resolve();
    else stopRequested.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  const leftovers = await runner.stop(STOP_WAVES(plan));
  removeRunning(l);
  if (leftovers.length > 0) {
    runner.say('localnet', `could not stop pids ${leftovers.join(', ')}`);
    return 1;
  }
  runner.say('localnet', 'all processes stopped');
  return 0;
}

async function startAll(plan: Plan, runner: Runner, stop: AbortSignal): Promise<void> {
  const entries = readProcfile();
  let registered = false;
  for (const entry of entries) {
    if (stop.aborted) return;
    const role = plan.processes.find((p) => p.name === entry.name)?.role;
    const managed: Managed = runner.start(entry.name, entry.command, role ? GRACE_MS[role] : 10_000);
    if (role === 'consul') {
      await waitConsulReady(plan.consulUrl, 30_000, () => managed.running() && !stop.aborted);
      runner.say('consul', `ready at ${plan.consulUrl}`);
    }
    const kuutamod = plan.kuutamods.find((k) => k.name === entry.name);
    if (kuutamod && !registered) {
      // The tutorial's order: the first instance takes the lock, the second then votes.
      registered = await waitForState(kuutamod, ['Validating'], 120_000, () => managed.running() && !stop.aborted);
    }
  }
}
