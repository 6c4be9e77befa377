/**
 * A small Procfile runner that keeps the localnet honest about its processes:
 * - every entry runs as `sh -c 'exec <command>'` in its own process group, so its pid is the real
 *   process (the pid to kill for a failover) and whatever it spawns (neard) is in that group;
 * - one process exiting does not stop the others (foreman and hivemind stop everything, which
 *   would end the failover demo), but what it left in its group is stopped, as systemd's
 *   KillMode=control-group does for kuutamod's service (a SIGKILLed kuutamod leaves neard behind);
 * - stop() ends the groups in order (kuutamods first, while Consul still answers, then neard, then
 *   Consul): SIGTERM to the process, SIGKILL to the group after a grace period, and then checks
 *   that no group member is left.
 * Output lines are prefixed with the entry's name and also written to <logs>/<name>.log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { groupMembers, signalGroup } from './proc-table.js';

export interface RunnerOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logsDir: string;
  /** Where prefixed lines go (the terminal). */
  write: (line: string) => void;
  color: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Managed {
  name: string;
  pid: number;
  /** Seconds between SIGTERM and SIGKILL when stopping it. */
  graceMs: number;
  exited: Promise<Exit>;
  running(): boolean;
}

interface Entry extends Managed {
  child: ChildProcess;
  log: WriteStream;
}

const COLORS = [36, 33, 32, 35, 34, 31, 96, 93];
const LEFTOVER_GRACE_MS = 5_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(50);
  }
  return predicate();
}

export class Runner {
  private readonly entries: Entry[] = [];
  private stopping = false;
  private readonly width = 10;

  constructor(private readonly options: RunnerOptions) {
    mkdirSync(options.logsDir, { recursive: true });
  }

  get processes(): readonly Managed[] {
    return this.entries;
  }

  /** A message from the runner itself, prefixed like a process. */
  say(name: string, message: string): void {
    for (const line of message.split('\n')) this.options.write(`${this.prefix(name, this.entries.length)}${line}`);
  }

  private prefix(name: string, index: number): string {
    const label = `${name.padEnd(this.width)} | `;
    return this.options.color ? `\u001b[${COLORS[index % COLORS.length]}m${label}\u001b[0m` : label;
  }

  start(name: string, command: string, graceMs: number): Managed {
    const index = this.entries.length;
    const child = spawn('/bin/sh', ['-c', `exec ${command}`], {
      cwd: this.options.cwd,
      env: this.options.env,
      detached: true, // its own process group
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error(`cannot start ${name}: ${command}`);
    const log = createWriteStream(join(this.options.logsDir, `${name}.log`), { flags: 'a' });
    const prefix = this.prefix(name, index);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.options.write(`${prefix}${line}`);
        log.write(`${line}\n`);
      });
    }
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const entry: Entry = {
      name,
      pid: child.pid,
      graceMs,
      child,
      log,
      exited,
      running: () => child.exitCode === null && child.signalCode === null,
    };
    this.entries.push(entry);
    void exited.then((how) => this.onExit(entry, how));
    return entry;
  }

  private async onExit(entry: Entry, how: Exit): Promise<void> {
    if (this.stopping) return;
    this.say(entry.name, `exited (${how.signal ? `signal ${how.signal}` : `code ${how.code}`}); the other processes keep running`);
    await this.reapGroup(entry);
  }

  /** Stop what a process left in its group (SIGTERM, then SIGKILL). */
  private async reapGroup(entry: Entry): Promise<void> {
    const left = groupMembers(entry.pid);
    if (left.length === 0) return;
    this.say(entry.name, `stopping what it left in its process group: ${left.map((p) => `${p.pid} (${p.cmdline.slice(0, 60)})`).join(', ')}`);
    signalGroup(entry.pid, 'SIGTERM');
    if (await until(() => groupMembers(entry.pid).length === 0, LEFTOVER_GRACE_MS)) return;
    signalGroup(entry.pid, 'SIGKILL');
    await until(() => groupMembers(entry.pid).length === 0, LEFTOVER_GRACE_MS);
  }

  private async stopOne(entry: Entry): Promise<void> {
    if (entry.running()) {
      entry.child.kill('SIGTERM');
      const stopped = await Promise.race([entry.exited.then(() => true), sleep(entry.graceMs).then(() => false)]);
      if (!stopped) {
        this.say(entry.name, `still running after ${entry.graceMs / 1000} s: SIGKILL to its process group`);
        signalGroup(entry.pid, 'SIGKILL');
        await entry.exited;
      }
    }
    await this.reapGroup(entry);
    entry.log.end();
  }

  /**
   * Stop everything, in waves of names (e.g. kuutamods, then neard nodes, then consul); entries
   * not named in any wave go first. Returns the pids of anything still alive afterwards.
   */
  async stop(waves: string[][]): Promise<number[]> {
    this.stopping = true;
    const named = new Set(waves.flat());
    const ordered = [this.entries.filter((e) => !named.has(e.name)), ...waves.map((w) => this.entries.filter((e) => w.includes(e.name)))];
    for (const wave of ordered) await Promise.all(wave.map((entry) => this.stopOne(entry)));
    return this.entries.flatMap((entry) => groupMembers(entry.pid).map((p) => p.pid));
  }

  /** Second Ctrl-C: no more waiting. */
  killAll(): void {
    this.stopping = true;
    for (const entry of this.entries) signalGroup(entry.pid, 'SIGKILL');
  }
}
