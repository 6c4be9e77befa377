/**
 * The role-change hook (--on-role-change, after Patroni's on_role_change callback): a command run
 * whenever this node's role changes, e.g. to move a DNS name, page someone or update a dashboard.
 *
 * Roles are the chart's (machines/roles.ts, roleOf): "validator" (Validating), "standby" (Voting: holds a
 * session, ready to take the lock), "syncing" (Startup, Syncing, Registering) and "stopped" (Shutdown;
 * also the old role of the first change after start). A change between two states of one role
 * (Syncing -> Registering) is not a role change.
 *
 * The hook never delays a safety action or a takeover: it is started from the observer's side after
 * the transition (setImmediate, so the chart's own actions go first), never awaited by the chart, and
 * killed with its whole process group (SIGTERM, then SIGKILL KILL_GRACE_MS later) once it outlives
 * --on-role-change-timeout. Hooks run one at a time, in order. While one runs at most one change
 * waits; later changes fold into it (old role of the first, new role of the last), and a fold that
 * ends where it started is dropped: a hanging hook cannot pile up work, and every hook that runs
 * sees a real change from the role the previous hook announced. Every output line is logged with
 * the hook's pid; its exit, failure or timeout too.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Role } from '../machines/roles.js';
import { formatDuration } from './duration.js';

export interface RoleChange {
  old: Role;
  new: Role;
}

export interface RoleChangeHookOptions {
  /** A shell command line; run as `sh -c '<command> "$@"' on_role_change <new role> <account>`. */
  command: string;
  timeoutMs: number;
  nodeId: string;
  accountId: string;
  logger: Logger;
}

/** After SIGTERM at the timeout, a hook's process group gets this long before SIGKILL. */
export const KILL_GRACE_MS = 5_000;

export class RoleChangeHook {
  private role: Role = 'stopped';
  private running: Promise<void> | null = null;
  private waiting: RoleChange | null = null;

  constructor(private readonly options: RoleChangeHookOptions) {}

  /** Feed the role of every snapshot (roleOf); only a change of role runs the hook. */
  roleIs(role: Role): void {
    if (role === this.role) return;
    this.enqueue({ old: this.role, new: role });
    this.role = role;
  }

  /** Resolves once no hook runs or waits (each is bounded by the timeout plus the kill grace). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private enqueue(change: RoleChange): void {
    if (!this.running) {
      this.running = this.runQueue(change);
      return;
    }
    const folded = this.waiting ? { old: this.waiting.old, new: change.new } : change;
    this.waiting = folded.old === folded.new ? null : folded;
    this.options.logger.info(
      { target: 'kuutamod::hook', role_old: change.old, role_new: change.new },
      this.waiting ? `role change hook still running; ${this.waiting.old} -> ${this.waiting.new} waits for it` : 'role change hook still running; the waiting change is undone by this one and dropped',
    );
  }

  private async runQueue(first: RoleChange): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    let change: RoleChange | null = first;
    while (change) {
      await this.run(change);
      change = this.waiting;
      this.waiting = null;
    }
    this.running = null;
  }

  /** Run the hook once for this change; resolves when it exited (or could not start). Never rejects. */
  private run(change: RoleChange): Promise<void> {
    const { command, timeoutMs, nodeId, accountId } = this.options;
    const env = { ...process.env, KUUTAMO_ROLE_OLD: change.old, KUUTAMO_ROLE_NEW: change.new, KUUTAMO_NODE_ID: nodeId, KUUTAMO_ACCOUNT_ID: accountId };
    // detached: the hook leads its own process group, so a timeout kills what it started too.
    const child = spawn('/bin/sh', ['-c', `${command} "$@"`, 'kuutamod-hook', 'on_role_change', change.new, accountId], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const logger = this.options.logger.child({ target: 'kuutamod::hook', hook_pid: child.pid, role_old: change.old, role_new: change.new });
    logger.info(`role change hook started: ${change.old} -> ${change.new}`);
    logLines(child.stdout, (line) => logger.info({ stream: 'stdout' }, line));
    logLines(child.stderr, (line) => logger.warn({ stream: 'stderr' }, line));
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timeoutTimer = setTimeout(() => {
      logger.warn(`role change hook still running after ${formatDuration(timeoutMs)} (--on-role-change-timeout): SIGTERM to its process group`);
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => {
        logger.warn(`role change hook ignored SIGTERM for ${formatDuration(KILL_GRACE_MS)}: SIGKILL to its process group`);
        signalGroup('SIGKILL');
      }, KILL_GRACE_MS);
    }, timeoutMs);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timeoutTimer);
        clearTimeout(killTimer);
        resolve();
      };
      child.once('error', (error) => {
        logger.error(`role change hook could not start (--on-role-change): ${error.message}`);
        done();
      });
      child.once('exit', (code, signal) => {
        if (code === 0) logger.info('role change hook finished');
        else logger.warn({ code, signal }, `role change hook failed: ${signal ? `killed by ${signal}` : `exit code ${code}`}`);
        done();
      });
    });
  }
}

function logLines(stream: Readable, log: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', log);
}
