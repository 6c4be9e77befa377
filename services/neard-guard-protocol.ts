/**
 * Messages between the daemon and its neard guard (a small child process that owns neard).
 * Times are monotonic milliseconds (monotonic-clock.ts), valid across the two processes.
 */
import type { NeardMode } from '../machines/failover-events.js';

export type ToGuard =
  /** Spawn neard. A validator start is refused unless the lease is valid. */
  | { type: 'start'; mode: NeardMode; bin: string; args: string[] }
  /**
   * Hot swap (neard >= 2.x): the running voter neard becomes a validator by re-reading
   * validator_key.json on SIGHUP. Refused without a valid lease; answered like a start.
   */
  | { type: 'promote' }
  /** SIGTERM, then SIGKILL after timeoutMs (or at the lease deadline if that is sooner). */
  | { type: 'stop'; timeoutMs: number }
  /** A validating neard must be dead by `killAt`: the last renewal's send time + TTL - margin. */
  | { type: 'lease'; killAt: number }
  /** The session to destroy once neard is confirmed dead, if the daemon itself dies. */
  | { type: 'session'; consulUrl: string; token?: string; sessionId: string | null; stopTimeoutMs: number };

export type FromGuard =
  | { type: 'ready' }
  | { type: 'started'; pid: number; mode: NeardMode }
  | { type: 'spawn-failed'; error: string }
  | { type: 'refused'; reason: string }
  /** neard is gone; `requested` when it was asked to stop, `fenced` when the guard killed it at the lease deadline. */
  | { type: 'exited'; pid: number; mode: NeardMode; code: number | null; signal: string | null; requested: boolean; fenced: boolean }
  /** A stop was asked while nothing ran. */
  | { type: 'stopped' };
