/**
 * The neard process actor: owns the one neard of this machine, through the neard guard process.
 *
 * The chart says which mode it wants (voter, validator, stopped); this actor converges on it one step at
 * a time: stop the neard that runs in the wrong mode (SIGTERM, then SIGKILL after the timeout), lay out
 * the home for the new mode, start neard again. It passes the chart's lease and session on to the guard,
 * which enforces them even if this daemon freezes or dies. On the chart's command it schedules or cancels a
 * planned stop (kuutamoctl restart: expected_shutdown, reloaded by a SIGHUP the guard sends only when it
 * cannot hand a voter the key; planned-shutdown.ts) and answers with the outcome. It reports facts only: started, exited on its
 * own, fenced by the guard, stopped on request, key released, could not be spawned, and SESSION_LOST when
 * the guard destroyed our session after fencing neard on a lapsed lease (the chart knows what that means).
 */
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { ElectionEvent, NeardCommand, NeardEvent, NeardMode } from '../../machines/failover-events.js';
import type { ConsulEndpoint } from '../consul/client.js';
import type { ConsulTokenFeed } from '../consul/token-feed.js';
import { errorMessage } from '../error-message.js';
import { NeardGuardClient, type GuardExit } from './guard/client.js';
import { linkValidatorKey, prepareNeardHome, removeValidatorKey, validatorKeyPathOf, type NeardHomeLayout } from './home.js';
import { cancelStopOutcome, CONFIRM_TIMEOUT_MS, PlannedShutdownError, scheduleStopOutcome, type PlannedNeard } from './planned-shutdown.js';
import type { RestoreOutcome } from './planned-shutdown-file.js';
import type { ActorTimings } from '../service-timings.js';

export interface NeardProcessOptions extends NeardHomeLayout {
  /** Path or name (looked up in PATH) of the neard binary. */
  neardBin: string;
  /** neard's RPC address (config.json rpc.addr): its /metrics confirm a planned stop. */
  rpcUrl: string;
  /** `--boot-nodes` passed to `neard run`, if any. */
  bootNodes?: string;
  /** neardStopTimeoutMs bounds every stop; the guard gets them all for its own stops and session destroy. */
  timings: ActorTimings;
  /**
   * Promote by validator key hot swap (neard >= 2.x re-reads validator_key.json on SIGHUP) instead of a
   * restart. Demotion always restarts neard: the key counts as released only once that process is dead.
   */
  hotSwap: boolean;
  /** Where the guard destroys our session if the daemon dies. */
  consul: ConsulEndpoint;
  /** The current ACL token (rotated on SIGUSR1), passed on to the guard; else consul.token stays. */
  consulToken?: ConsulTokenFeed;
  logger: Logger;
}

type DesiredMode = NeardMode | 'stopped';

/** What this actor reports: neard facts, and the loss of a session the guard destroyed. */
export type NeardActorEvent = NeardEvent | Extract<ElectionEvent, { type: 'SESSION_LOST' }>;

interface RunningNeard {
  pid: number;
  mode: NeardMode;
  exited: Promise<void>;
  markExited: () => void;
}

/** Converges the one neard on the mode the chart wants, through the guard, and reports what happened. */
export class NeardModeConverger {
  private desired: DesiredMode | null = null;
  private restartRequested = false;
  /**
   * The guard refused to hot-swap the key into the running voter: promote the cold way instead (stop it,
   * start neard as validator through `guard.start`, which checks the lease again). Cleared by a start,
   * or once the chart no longer wants a validator.
   */
  private hotSwapRefused = false;
  private current: RunningNeard | null = null;
  private startedBefore = false;
  /** The validator key was requested and not yet confirmed out of use. */
  private keyMayBeInUse = false;
  private converging = false;
  private convergeAgain = false;
  private disposed = false;
  /** The session the chart last told us about (NEARD.SESSION). */
  private sessionId: string | null = null;
  private readonly guard: NeardGuardClient;
  private readonly stopTokenFeed: () => void;

  constructor(
    private readonly options: NeardProcessOptions,
    private readonly report: (event: NeardActorEvent) => void,
  ) {
    const tokens = options.consulToken;
    const consul = tokens ? { ...options.consul, token: tokens.current } : options.consul;
    this.guard = new NeardGuardClient(options.logger, { consul, timings: options.timings }, {
      exit: (exit) => this.onExit(exit),
      spawnFailed: (error) => this.report({ type: 'NEARD_SPAWN_FAILED', error: this.spawnError(error) }),
      sessionDestroyed: (sessionId) => this.onSessionDestroyed(sessionId),
    });
    this.stopTokenFeed = tokens?.subscribe((token) => this.guard.setConsulToken(token)) ?? (() => undefined);
  }

  command(command: NeardCommand): void {
    switch (command.type) {
      case 'NEARD.RUN':
        this.desired = command.mode;
        if (command.mode === 'validator') this.keyMayBeInUse = true;
        break;
      case 'NEARD.RESTART':
        this.restartRequested = true;
        break;
      case 'NEARD.STOP':
        this.desired = 'stopped';
        break;
      case 'NEARD.LEASE':
        this.guard.setLease(command.killAt, command.sessionId);
        return;
      case 'NEARD.SESSION':
        this.sessionId = command.sessionId;
        this.guard.setSession(command.sessionId);
        return;
      case 'NEARD.SCHEDULE_STOP':
        void this.scheduleStop(command);
        return;
      case 'NEARD.CANCEL_STOP':
        void this.cancelStop(command.requestId);
        return;
    }
    void this.converge();
  }

  /** The actor goes away: the guard stops whatever still runs once its channel closes. */
  dispose(): void {
    this.disposed = true;
    this.stopTokenFeed();
    this.guard.disconnect();
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
      } while (this.convergeAgain && !this.disposed);
    } catch (error) {
      // The observer logs NEARD_SPAWN_FAILED.
      this.report({ type: 'NEARD_SPAWN_FAILED', error: errorMessage(error) });
    } finally {
      this.converging = false;
    }
  }

  private async step(): Promise<void> {
    const wanted = this.desired;
    if (wanted === null) return;
    // A refusal counts for the promotion it answered: the next one tries the hot swap again.
    if (wanted !== 'validator') this.hotSwapRefused = false;
    const running = this.current;
    if (running && running.mode === 'voter' && wanted === 'validator' && this.options.hotSwap && !this.restartRequested && !this.hotSwapRefused) {
      await this.promote(running);
      return;
    }
    if (running && (running.mode !== wanted || this.restartRequested)) {
      this.options.logger.info({ neard_pid: running.pid, mode: running.mode }, 'stopping neard');
      await this.guard.stop(this.options.timings.neardStopTimeoutMs);
      await running.exited;
      this.convergeAgain = true; // the wish may have changed while we waited
      return;
    }
    // A voter neard never loaded the key: it was started without it, or its promotion was refused.
    if ((!running || running.mode === 'voter') && this.keyMayBeInUse && wanted !== 'validator') {
      this.keyMayBeInUse = false;
      this.report({ type: 'NEARD_KEY_RELEASED' });
    }
    if (wanted === 'stopped') {
      this.restartRequested = false;
      if (!running) this.report({ type: 'NEARD_STOPPED' });
      return;
    }
    if (!running && !this.disposed) await this.start(wanted);
  }

  private async start(mode: NeardMode): Promise<void> {
    const { neardBin, home, bootNodes, logger } = this.options;
    this.logRestoredShutdown(prepareNeardHome(this.options, mode));
    const args = ['--home', home, 'run', ...(bootNodes ? ['--boot-nodes', bootNodes] : [])];
    this.restartRequested = false;
    this.hotSwapRefused = false;
    const answer = await this.guard.start(mode, neardBin, args);
    if (answer.type === 'spawn-failed') {
      this.report({ type: 'NEARD_SPAWN_FAILED', error: this.spawnError(answer.error) });
      return;
    }
    if (answer.type === 'refused') {
      // Only a validator start without a valid lease is refused: neard did not run, as if it exited at once.
      logger.warn({ mode }, `neard guard refused to start neard: ${answer.reason}`);
      this.report({ type: 'NEARD_EXITED', pid: 0, mode, code: null, signal: null });
      return;
    }
    let markExited = () => undefined as void;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    this.current = { pid: answer.pid, mode, exited, markExited };
    const restart = this.startedBefore;
    this.startedBefore = true;
    logger.info({ neard_pid: answer.pid, mode, args }, `started neard as ${mode}`);
    this.report({ type: 'NEARD_STARTED', pid: answer.pid, mode, restart });
  }

  private async promote(running: RunningNeard): Promise<void> {
    this.logRestoredShutdown(linkValidatorKey(this.options));
    const answer = await this.guard.promote();
    if (answer.type !== 'started') {
      // The key stays unlinked until the guard's start path links it again.
      removeValidatorKey(this.options);
      // Only logging this would leave the chart in Validating (it has no start timeout there) with a voter
      // neard: the lock held and nobody validating. The cold path ends either way the chart hears of:
      // NEARD_STARTED as validator, or a refused start reported as NEARD_EXITED.
      const reason = answer.type === 'refused' ? answer.reason : answer.error;
      this.options.logger.warn(
        { neard_pid: running.pid, reason },
        `neard guard refused the validator key hot swap (${reason}); falling back to a cold promotion: stop the voter neard, then start neard as validator through the guard, which checks the lease again`,
      );
      this.hotSwapRefused = true;
      this.convergeAgain = true;
      return;
    }
    running.mode = 'validator';
    this.options.logger.info({ neard_pid: running.pid }, 'validator key hot-swapped into neard (SIGHUP)');
    this.report({ type: 'NEARD_STARTED', pid: running.pid, mode: 'validator', restart: false });
  }

  private onExit(exit: GuardExit): void {
    const running = this.current;
    if (!running || running.pid !== exit.pid) return;
    this.current = null;
    running.markExited();
    // The observer logs and counts it; a fence kill during a requested stop is reported too.
    if (exit.fenced) this.report({ type: 'NEARD_FENCED', pid: exit.pid, mode: exit.mode });
    if (exit.requested) return;
    // The observer logs NEARD_EXITED.
    this.report({ type: 'NEARD_EXITED', pid: exit.pid, mode: exit.mode, code: exit.code, signal: exit.signal });
  }

  /**
   * Only the session the chart still holds is reported lost: if the chart already moved on (a renewal
   * answered 404 first and a new session exists), the old one's end is no news.
   */
  private onSessionDestroyed(sessionId: string): void {
    this.options.logger.warn({ sessionId }, 'the neard guard destroyed our session after fencing neard on a lapsed lease');
    if (sessionId !== this.sessionId) return;
    this.sessionId = null;
    // The observer logs SESSION_LOST.
    this.report({ type: 'SESSION_LOST' });
  }

  /** neard `pid` for a planned stop: its config reloads go through the guard, which checks the key rule. */
  private plannedNeard(pid: number): PlannedNeard {
    const { home, rpcUrl } = this.options;
    return {
      home,
      rpcUrl,
      pid,
      reload: async () => {
        const answer = await this.guard.reload(pid, validatorKeyPathOf(home));
        if (answer.type === 'reload-refused') throw new PlannedShutdownError(answer.failure, answer.reason);
      },
    };
  }

  private get confirmTimings() {
    return { confirmTimeoutMs: CONFIRM_TIMEOUT_MS, requestTimeoutMs: this.options.timings.requestTimeoutMs };
  }

  /** kuutamoctl restart on a standby: neard stops by itself at `height` (the chart approved it for this pid). */
  private async scheduleStop({ requestId, pid, height }: Extract<NeardCommand, { type: 'NEARD.SCHEDULE_STOP' }>): Promise<void> {
    const outcome =
      this.current?.pid === pid
        ? await scheduleStopOutcome(this.plannedNeard(pid), height, this.confirmTimings)
        : { ok: false as const, failure: 'gone' as const, message: `neard (pid ${pid}) is not running any more. Nothing was scheduled; try again.` };
    this.report({ type: 'NEARD_STOP_SCHEDULED', requestId, outcome });
  }

  private async cancelStop(requestId: string): Promise<void> {
    const running = this.current;
    const outcome = await cancelStopOutcome(this.options.home, running ? this.plannedNeard(running.pid) : null, this.confirmTimings);
    this.report({ type: 'NEARD_STOP_CANCELLED', requestId, outcome });
  }

  /** config.json's expected_shutdown put back after a planned shutdown (kuutamoctl restart). */
  private logRestoredShutdown(restored: RestoreOutcome | null): void {
    if (restored === null) return;
    const { record, expectedShutdown, keptOperatorValue } = restored;
    const what = keptOperatorValue ? `kept the operator's expected_shutdown ${expectedShutdown}` : `expected_shutdown back to ${expectedShutdown ?? 'none'}`;
    this.options.logger.info({ planned_height: record.height, expected_shutdown: expectedShutdown }, `planned shutdown at ${record.height} taken back from config.json: ${what}`);
  }

  private spawnError(error: string): string {
    return `cannot start neard '${this.options.neardBin}' (--neard-bin / KUUTAMO_NEARD_BIN): ${error}`;
  }
}

/** The actor the chart invokes as `neard`. */
export function neardProcessActor(options: NeardProcessOptions) {
  return fromCallback<NeardCommand>(({ sendBack, receive }) => {
    const converger = new NeardModeConverger(options, sendBack);
    receive((command) => converger.command(command));
    return () => converger.dispose();
  });
}
