/**
 * The daemon's side of the neard guard: forks the guard process (main.ts) on demand, greets it with the
 * static settings, sends it commands and turns its answers into promises and callbacks. If the guard
 * dies, neard died with it (pdeathsig).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { isFromGuard } from './protocol-checks.js';
import type { FromGuard, GuardHello, ToGuard } from './protocol.js';

const GUARD_ENTRY = fileURLToPath(new URL('./main.js', import.meta.url));
/**
 * V8 settings of the guard process, after the daemon's own node flags (fork's default). The guard's heap
 * holds a few kB of state, so a 1 MB young generation (default 16 MB) and one V8 worker thread instead of
 * one per core cost it nothing and save about 1 MB of its private memory and 5 MB of committed heap
 * (test/bench/guard-heap.ts, docs/scale.md).
 * The old generation keeps node's default limit: a tight cap would gain nothing idle and could only
 * turn an unforeseen allocation into an out-of-memory death of the process that fences neard.
 */
export const GUARD_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--v8-pool-size=1'];

type StartAnswer = Extract<FromGuard, { type: 'started' | 'refused' | 'spawn-failed' }>;
export type ReloadAnswer = Extract<FromGuard, { type: 'reloaded' | 'reload-refused' }>;
export type GuardExit = Extract<FromGuard, { type: 'exited' }>;

export class NeardGuardClient {
  private guard: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private pendingStart: ((answer: StartAnswer) => void) | null = null;
  private pendingStop: (() => void) | null = null;
  private pendingReload: ((answer: ReloadAnswer) => void) | null = null;
  /** Last lease and session, replayed to a new guard. */
  private lease: Extract<ToGuard, { type: 'lease' }> | null = null;
  private session: Extract<ToGuard, { type: 'session' }> | null = null;
  private hello: GuardHello;

  /** The neard the guard last reported started and not yet exited. */
  private running: { pid: number; mode: 'voter' | 'validator' } | null = null;

  constructor(
    private readonly logger: Logger,
    /** The settings every guard is greeted with. */
    settings: Omit<GuardHello, 'type'>,
    private readonly listener: {
      /** neard exited (asked to or not), as reported by the guard or implied by its death. */
      exit(exit: GuardExit): void;
      /** neard could not be executed after it was started (e.g. setpriv found no binary). */
      spawnFailed(error: string): void;
      /** The guard fenced a validating neard on a lapsed lease, saw it dead and destroyed this session. */
      sessionDestroyed(sessionId: string): void;
    },
  ) {
    this.hello = { type: 'hello', ...settings };
  }

  async start(mode: 'voter' | 'validator', bin: string, args: string[]): Promise<StartAnswer> {
    await this.connect();
    return new Promise<StartAnswer>((resolve) => {
      this.pendingStart = resolve;
      this.post({ type: 'start', mode, bin, args });
    });
  }

  /** Hot-swap the validator key into the running voter neard (SIGHUP); answered like a start. */
  async promote(): Promise<StartAnswer> {
    await this.connect();
    return new Promise<StartAnswer>((resolve) => {
      this.pendingStart = resolve;
      this.post({ type: 'promote' });
    });
  }

  /** Ask for a stop; resolves when neard is gone (exited or nothing ran). */
  /** SIGHUP neard `pid` through the guard (refused while a voter's home holds `keyFile`); one at a time. */
  reload(pid: number, keyFile: string): Promise<ReloadAnswer> {
    if (!this.guard?.connected) return Promise.resolve({ type: 'reload-refused', pid, failure: 'gone', reason: 'the neard guard is not running' });
    return new Promise<ReloadAnswer>((resolve) => {
      this.pendingReload = resolve;
      this.post({ type: 'reload', pid, keyFile });
    });
  }

  stop(timeoutMs: number): Promise<void> {
    if (!this.guard) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.pendingStop = resolve;
      this.post({ type: 'stop', timeoutMs });
    });
  }

  setLease(killAt: number, sessionId: string | null): void {
    this.lease = { type: 'lease', killAt, sessionId };
    this.post(this.lease);
  }

  setSession(sessionId: string | null): void {
    this.session = { type: 'session', sessionId };
    this.post(this.session);
  }

  /** A rotated Consul ACL token: for the running guard, and in the hello of any later one. */
  setConsulToken(token: string | undefined): void {
    this.hello = { ...this.hello, consul: { ...this.hello.consul, token } };
    this.post({ type: 'consul-token', token: token ?? null });
  }

  /** Close the channel: the guard stops whatever still runs and exits. */
  disconnect(): void {
    if (this.guard?.connected) this.guard.disconnect();
  }

  private post(message: ToGuard): void {
    if (this.guard?.connected) this.guard.send(message);
  }

  private connect(): Promise<void> {
    if (this.ready) return this.ready;
    const guard = fork(GUARD_ENTRY, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
      execArgv: [...process.execArgv, ...GUARD_NODE_FLAGS],
    });
    this.guard = guard;
    this.ready = new Promise<void>((resolve, reject) => {
      guard.once('error', reject);
      guard.on('message', (message: unknown) => {
        if (!isFromGuard(message)) {
          this.logger.error({ message }, 'ignored a malformed message from the neard guard');
        } else if (message.type === 'ready') {
          guard.send(this.hello);
          if (this.lease) guard.send(this.lease);
          if (this.session) guard.send(this.session);
          resolve();
        } else this.dispatch(message);
      });
    });
    guard.once('exit', (code, signal) => {
      this.logger.warn({ code, signal }, 'neard guard exited');
      if (this.guard === guard) {
        this.guard = null;
        this.ready = null;
      }
      this.pendingStart?.({ type: 'spawn-failed', error: `neard guard exited (code ${code}, signal ${signal})` });
      this.pendingStart = null;
      // The kernel killed neard with the guard (pdeathsig): report it like any other exit.
      if (this.running) this.listener.exit({ type: 'exited', ...this.running, code: null, signal: 'SIGKILL', requested: false, fenced: false });
      this.running = null;
      this.pendingStop?.();
      this.pendingStop = null;
      this.pendingReload?.({ type: 'reload-refused', pid: 0, failure: 'gone', reason: `neard guard exited (code ${code}, signal ${signal})` });
      this.pendingReload = null;
    });
    return this.ready;
  }

  private dispatch(message: Exclude<FromGuard, { type: 'ready' }>): void {
    switch (message.type) {
      case 'started':
        this.running = { pid: message.pid, mode: message.mode };
        this.pendingStart?.(message);
        this.pendingStart = null;
        return;
      case 'refused':
      case 'spawn-failed':
        if (this.pendingStart) this.pendingStart(message);
        else if (message.type === 'spawn-failed') this.listener.spawnFailed(message.error);
        this.pendingStart = null;
        return;
      case 'exited':
        if (this.running?.pid === message.pid) this.running = null;
        this.listener.exit(message);
        this.pendingStop?.();
        this.pendingStop = null;
        return;
      case 'stopped':
        this.pendingStop?.();
        this.pendingStop = null;
        return;
      case 'reloaded':
      case 'reload-refused':
        this.pendingReload?.(message);
        this.pendingReload = null;
        return;
      case 'session-destroyed':
        // A new guard must not be told of it again.
        if (this.session?.sessionId === message.sessionId) this.session = null;
        this.listener.sessionDestroyed(message.sessionId);
        return;
    }
  }
}
