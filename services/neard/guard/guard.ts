/**
 * The neard guard: a small process between the daemon and neard that makes sure neard never holds
 * the validator key longer than this node provably holds the lock, whatever happens to the daemon.
 *
 * - It owns neard (spawned under `setpriv --pdeathsig KILL`, so neard dies with the guard; neard-launch.ts).
 * - The daemon sends it a lease after every successful Consul renewal: the monotonic time by which a
 *   validating neard must be dead (renewal send time + TTL - margin). When the lease runs out, because
 *   the daemon froze (SIGSTOP, stalled event loop) or lost Consul, the guard SIGKILLs neard.
 *   Once that neard is confirmed dead, the guard destroys the session the lapsed lease belonged to, so a
 *   standby takes over at the lease end instead of when Consul lazily ends the session (up to 2 x TTL),
 *   tells the daemon (`session-destroyed`), and from then on ignores every lease of that session.
 * - If the daemon dies (IPC channel closes), the guard stops neard at once (SIGTERM, SIGKILL at the
 *   lease deadline at the latest), and only once neard is confirmed dead destroys the daemon's session,
 *   so a standby can take over without waiting for the TTL. Consul's endpoint and the timings arrive
 *   once, in the `hello` that opens the conversation; the session id and a rotated token follow every change.
 * - It alone signals neard: a config reload (SIGHUP, for a planned stop) only when it cannot hand a voter the key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync } from 'node:fs';
import type { NeardMode } from '../../../machines/failover-events.js';
import { DEFAULT_TIMINGS } from '../../../machines/failover-timings.js';
import { createConsulClient } from '../../consul/client.js';
import { destroySessionWithBackoff } from '../../consul/session-destroy.js';
import { monotonicNow } from '../../monotonic-clock.js';
import { neardLaunch } from './neard-launch.js';
import type { FromGuard, GuardHello, ToGuard } from './protocol.js';

/** How a neard process ended: the exit code, or the signal that killed it (the other is null). */
interface NeardExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface GuardedNeard {
  child: ChildProcess;
  pid: number;
  /** Changes from voter to validator on a hot-swap promotion. */
  mode: NeardMode;
  stopRequested: boolean;
  fenced: boolean;
  exited: Promise<NeardExit>;
}

export class NeardGuard {
  private neard: GuardedNeard | null = null;
  private killAt: number | null = null;
  /** The session the current lease belongs to. */
  private leaseSessionId: string | null = null;
  /** Sessions this guard destroyed after fencing: a lease of one of them never counts again. */
  private readonly destroyedSessions = new Set<string>();
  private fenceTimer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private hello: GuardHello | null = null;
  private sessionId: string | null = null;

  constructor(
    private readonly send: (message: FromGuard) => void,
    private readonly log: (message: string) => void,
  ) {}

  handle(message: ToGuard): void {
    switch (message.type) {
      case 'hello':
        this.hello = message;
        return;
      case 'start':
        return this.start(message.mode, message.bin, message.args);
      case 'promote':
        return this.promote();
      case 'stop':
        return this.stop(message.timeoutMs);
      case 'lease':
        return this.acceptLease(message.killAt, message.sessionId);
      case 'session':
        this.sessionId = message.sessionId;
        return;
      case 'consul-token':
        if (this.hello) this.hello = { ...this.hello, consul: { ...this.hello.consul, token: message.token ?? undefined } };
        return;
      case 'reload':
        return this.reload(message.pid, message.keyFile);
    }
  }

  /**
   * The guard process is exiting (main.ts): a neard still running would outlive its fence. With setpriv
   * the kernel kills it anyway (pdeathsig); this covers a host without setpriv.
   */
  killNeardOnExit(): void {
    this.neard?.child.kill('SIGKILL');
  }

  /** The daemon is gone: stop neard, then release the session once neard is confirmed dead. */
  async orphaned(): Promise<void> {
    const neard = this.neard;
    this.log(`daemon gone; stopping neard${neard ? ` (pid ${neard.pid}, ${neard.mode})` : ''}`);
    if (neard) {
      this.stop((this.hello?.timings ?? DEFAULT_TIMINGS).neardStopTimeoutMs);
      await neard.exited;
    }
    if (this.sessionId !== null) await this.releaseSession(this.sessionId);
  }

  /**
   * A lease counts only for a session the daemon holds and this guard did not destroy: a renewal answered
   * by Consul before the destroy but delivered after it must not let neard validate again.
   */
  private acceptLease(killAt: number, sessionId: string | null): void {
    if (sessionId === null || this.destroyedSessions.has(sessionId)) {
      this.log(`ignored a lease of ${sessionId === null ? 'no session' : `session ${sessionId}, destroyed after fencing`}`);
      return;
    }
    this.killAt = killAt;
    this.leaseSessionId = sessionId;
    this.armFence();
  }

  private start(mode: NeardMode, bin: string, args: string[]): void {
    if (this.neard) {
      this.send({ type: 'refused', reason: `neard (pid ${this.neard.pid}) is still running` });
      return;
    }
    if (mode === 'validator' && !this.leaseValid()) {
      this.send({ type: 'refused', reason: 'no valid lease: the validator key may not be used' });
      return;
    }
    // With setpriv, neard gets SIGKILL from the kernel if the guard itself dies.
    const launch = neardLaunch(bin, args);
    // node:child_process rather than execa: the guard runs on every node, and execa alone cost it about
    // 5 MB of RSS (docs/scale.md). Same process group as the guard (no `detached`), neard's output goes
    // straight to the guard's (and so the daemon's) stdout and stderr.
    const child = spawn(launch.file, launch.argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (child.pid === undefined) {
      // The spawn failed (e.g. ENOENT): node reports it on 'error', on a later tick.
      child.once('error', (error) => this.send({ type: 'spawn-failed', error: `cannot start ${bin}: ${error.message}` }));
      return;
    }
    // An 'error' after a successful spawn is a signal that could not be delivered: log it, never crash
    // the process that fences neard (an unhandled 'error' event would).
    child.on('error', (error) => this.log(`neard (pid ${child.pid}): ${error.message}`));
    const exited = new Promise<NeardExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const neard: GuardedNeard = { child, pid: child.pid, mode, stopRequested: false, fenced: false, exited };
    this.neard = neard;
    void exited.then(({ code, signal }) => {
      clearTimeout(this.stopTimer);
      clearTimeout(this.fenceTimer);
      if (this.neard === neard) this.neard = null;
      // The launch shell exits 127/126 when it cannot exec neard (it says why on the stderr neard shares
      // with us): that is a spawn failure, not a crash.
      if (launch.diesWithGuard && (code === 127 || code === 126) && !neard.stopRequested) {
        this.send({ type: 'spawn-failed', error: `cannot execute ${bin}: not found or not executable` });
      }
      this.send({ type: 'exited', pid: neard.pid, mode: neard.mode, code, signal, requested: neard.stopRequested, fenced: neard.fenced });
    });
    this.send({ type: 'started', pid: neard.pid, mode });
    this.armFence();
  }

  private leaseValid(): boolean {
    return this.killAt !== null && monotonicNow() < this.killAt;
  }

  private promote(): void {
    const neard = this.neard;
    if (!neard || neard.mode !== 'voter' || neard.stopRequested) {
      this.send({ type: 'refused', reason: 'no running voter neard to promote' });
      return;
    }
    if (!this.leaseValid()) {
      this.send({ type: 'refused', reason: 'no valid lease: the validator key may not be used' });
      return;
    }
    // Arm the fence before neard can load the key.
    neard.mode = 'validator';
    this.armFence();
    neard.child.kill('SIGHUP');
    this.send({ type: 'started', pid: neard.pid, mode: 'validator' });
  }

  /**
   * SIGHUP for a config reload, never a way to the key: a voter whose home holds the validator key file
   * would load it (hot swap) without the lease check of `promote`, so that is refused.
   */
  private reload(pid: number, keyFile: string): void {
    const neard = this.neard;
    if (!neard || neard.pid !== pid || neard.stopRequested) {
      this.send({ type: 'reload-refused', pid, failure: 'gone', reason: `neard (pid ${pid}) is not running any more` });
      return;
    }
    if (neard.mode === 'voter' && lstatSync(keyFile, { throwIfNoEntry: false }) !== undefined) {
      this.send({ type: 'reload-refused', pid, failure: 'busy', reason: `${keyFile} is being handed to neard (a promotion is under way): try again in a moment` });
      return;
    }
    neard.child.kill('SIGHUP');
    this.send({ type: 'reloaded', pid });
  }

  private stop(timeoutMs: number): void {
    const neard = this.neard;
    if (!neard) {
      this.send({ type: 'stopped' });
      return;
    }
    if (neard.stopRequested) return;
    neard.stopRequested = true;
    neard.child.kill('SIGTERM');
    clearTimeout(this.stopTimer);
    this.stopTimer = setTimeout(() => {
      this.log(`Termination timeout reached. Send SIGKILL to neard (pid ${neard.pid})!`);
      neard.child.kill('SIGKILL');
    }, timeoutMs);
  }

  /** SIGKILL a validating neard when the lease runs out; re-armed by every lease. */
  private armFence(): void {
    clearTimeout(this.fenceTimer);
    const neard = this.neard;
    if (!neard || neard.mode !== 'validator') return;
    const remaining = this.killAt === null ? 0 : this.killAt - monotonicNow();
    this.fenceTimer = setTimeout(() => {
      // Timers can fire early by a millisecond; the clock decides.
      if (this.killAt !== null && monotonicNow() < this.killAt) return this.armFence();
      this.log(`lease expired: SIGKILL validating neard (pid ${neard.pid}) before another node can take the lock`);
      neard.fenced = true;
      neard.child.kill('SIGKILL');
      void this.releaseFencedSession(neard);
    }, Math.max(0, remaining));
  }

  /**
   * After a fence: the lapsed lease's session is revoked at once (no lease of it counts any more), and
   * destroyed once neard is confirmed dead, so the lock is free at the lease end (docs/safety.md).
   */
  private async releaseFencedSession(neard: GuardedNeard): Promise<void> {
    const sessionId = this.leaseSessionId;
    if (sessionId === null) return;
    this.destroyedSessions.add(sessionId);
    this.killAt = null;
    this.leaseSessionId = null;
    await neard.exited;
    if (!(await this.releaseSession(sessionId))) return;
    // Nothing left to destroy if the daemon dies now.
    if (this.sessionId === sessionId) this.sessionId = null;
    this.send({ type: 'session-destroyed', sessionId });
  }

  /** Destroy a session (neard is dead), retried with backoff; true once Consul confirmed it. */
  private async releaseSession(sessionId: string): Promise<boolean> {
    const { hello } = this;
    if (!hello) {
      this.log(`cannot destroy session ${sessionId}: no hello from kuutamod yet (no Consul endpoint); its TTL will end it`);
      return false;
    }
    const { consul: endpoint, timings } = hello;
    const consul = createConsulClient({ ...endpoint, requestTimeoutMs: timings.requestTimeoutMs });
    try {
      const outcome = await destroySessionWithBackoff(consul, sessionId, timings, monotonicNow, (error) =>
        this.log(`destroying session ${sessionId}: ${error}`),
      );
      if (outcome.destroyed) this.log(`neard is dead; destroyed session ${sessionId}`);
      else this.log(`giving up destroying session ${sessionId} (${outcome.error}); its TTL will end it`);
      return outcome.destroyed;
    } finally {
      consul.destroy();
    }
  }
}
