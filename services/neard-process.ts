/**
 * The neard process actor: owns the one neard child process of this machine.
 *
 * The chart says which mode it wants (voter, validator, stopped); this actor converges on it one step at
 * a time: stop the process that runs in the wrong mode (SIGTERM, then SIGKILL after the timeout), lay out
 * the home for the new mode, start neard again. It reports facts only: started, exited on its own,
 * stopped on request, key released, could not be spawned.
 */
import { execa, type ResultPromise } from 'execa';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { NeardCommand, NeardEvent, NeardMode } from '../machines/failover-events.js';
import { prepareNeardHome, type NeardHomeLayout } from './neard-home.js';

export interface NeardProcessOptions extends NeardHomeLayout {
  /** Path or name (looked up in PATH) of the neard binary. */
  neardBin: string;
  /** `--boot-nodes` passed to `neard run`, if any. */
  bootNodes?: string;
  stopTimeoutMs: number;
  logger: Logger;
}

type DesiredMode = NeardMode | 'stopped';

interface RunningNeard {
  child: ResultPromise;
  pid: number;
  mode: NeardMode;
  /** Set once we asked it to stop, so its exit is not reported as a crash. */
  stopRequested: boolean;
  exited: Promise<void>;
}

export class NeardSupervisor {
  private desired: DesiredMode | null = null;
  private restartRequested = false;
  private current: RunningNeard | null = null;
  private startedBefore = false;
  /** The validator key was requested and not yet confirmed out of use. */
  private keyMayBeInUse = false;
  private converging = false;
  private convergeAgain = false;
  private disposed = false;

  constructor(
    private readonly options: NeardProcessOptions,
    private readonly report: (event: NeardEvent) => void,
  ) {}

  get pid(): number | null {
    return this.current?.pid ?? null;
  }

  command(command: NeardCommand): void {
    if (command.type === 'NEARD.RUN') {
      this.desired = command.mode;
      if (command.mode === 'validator') this.keyMayBeInUse = true;
    } else if (command.type === 'NEARD.RESTART') {
      this.restartRequested = true;
    } else {
      this.desired = 'stopped';
    }
    void this.converge();
  }

  /** Stop neard when the actor goes away (daemon exit): never leave it running unsupervised. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.desired = 'stopped';
    if (this.current) await this.stop(this.current);
  }

  private async converge(): Promise<void> {
    if (this.converging) {
      this.convergeAgain = true;
      return;
    }
    this.converging = true;
    try {
      do {
        this.convergeAgain = false;
        await this.step();
      } while (this.convergeAgain);
    } catch (error) {
      this.options.logger.error({ err: error }, 'neard supervision failed');
      this.report({ type: 'NEARD_SPAWN_FAILED', error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.converging = false;
    }
  }

  private async step(): Promise<void> {
    const wanted = this.desired;
    if (wanted === null) return;
    const running = this.current;
    if (running && (running.mode !== wanted || this.restartRequested)) {
      await this.stop(running);
      this.convergeAgain = true; // the wish may have changed while we waited
      return;
    }
    if (!running && this.keyMayBeInUse && wanted !== 'validator') {
      this.keyMayBeInUse = false;
      this.report({ type: 'NEARD_KEY_RELEASED' });
    }
    if (wanted === 'stopped') {
      this.restartRequested = false;
      if (!running) this.report({ type: 'NEARD_STOPPED' });
      return;
    }
    if (!running && !this.disposed) this.start(wanted);
  }

  private start(mode: NeardMode): void {
    const { neardBin, home, bootNodes, logger } = this.options;
    prepareNeardHome(this.options, mode);
    const args = ['--home', home, 'run', ...(bootNodes ? ['--boot-nodes', bootNodes] : [])];
    // neard's own log lines go to our stdout/stderr, as with kuutamod; `cleanup` kills it if we exit.
    const child = execa(neardBin, args, { stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', reject: false, cleanup: true });
    this.restartRequested = false;
    if (child.pid === undefined) {
      void child.then((result) =>
        this.report({
          type: 'NEARD_SPAWN_FAILED',
          error: `cannot start neard '${neardBin}' (--neard-bin / KUUTAMO_NEARD_BIN): ${result.message ?? 'spawn failed'}`,
        }),
      );
      return;
    }
    const pid = child.pid;
    const restart = this.startedBefore;
    this.startedBefore = true;
    const running: RunningNeard = {
      child,
      pid,
      mode,
      stopRequested: false,
      exited: child.then(() => undefined),
    };
    this.current = running;
    logger.info({ pid, mode, args }, `started neard as ${mode}`);
    this.report({ type: 'NEARD_STARTED', pid, mode, restart });
    void child.then((result) => {
      if (this.current === running) this.current = null;
      if (running.stopRequested) return;
      logger.warn({ pid, mode, exitCode: result.exitCode, signal: result.signal }, 'neard exited');
      this.report({ type: 'NEARD_EXITED', pid, mode, code: result.exitCode ?? null, signal: result.signal ?? null });
    });
  }

  private async stop(running: RunningNeard): Promise<void> {
    const { logger, stopTimeoutMs } = this.options;
    running.stopRequested = true;
    logger.info({ pid: running.pid, mode: running.mode }, 'stopping neard');
    running.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      running.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      logger.warn({ pid: running.pid }, 'Termination timeout reached. Send SIGKILL to neard!');
      running.child.kill('SIGKILL');
      await running.exited;
    }
    if (this.current === running) this.current = null;
  }
}

/** The actor the chart invokes as `neard`. */
export function neardProcessActor(options: NeardProcessOptions) {
  return fromCallback<NeardCommand>(({ sendBack, receive }) => {
    const supervisor = new NeardSupervisor(options, sendBack);
    receive((command) => supervisor.command(command));
    return () => void supervisor.dispose();
  });
}
