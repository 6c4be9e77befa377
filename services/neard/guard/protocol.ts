/**
 * Messages between the daemon and its neard guard (a small child process that owns neard).
 * Times are monotonic milliseconds (../monotonic-clock.ts), valid across the two processes.
 * Both sides check every message they receive at runtime (protocol-checks.ts): a JSON channel
 * carries no types.
 */
import type { NeardMode } from '../../../machines/failover-events.js';
import type { ConsulEndpoint } from '../../consul/client.js';
import type { ActorTimings } from '../../service-timings.js';

export type ToGuard =
  /**
   * First message, answering `ready`: the static settings. Consul's endpoint (URL, token, CA) is where the
   * guard destroys the daemon's session if the daemon dies; the timings bound stops and destroy retries.
   */
  | { type: 'hello'; consul: ConsulEndpoint; timings: ActorTimings }
  /** Spawn neard. A validator start is refused unless the lease is valid. */
  | { type: 'start'; mode: NeardMode; bin: string; args: string[] }
  /**
   * Hot swap (neard >= 2.x): the running voter neard becomes a validator by re-reading
   * validator_key.json on SIGHUP. Refused without a valid lease; answered like a start.
   */
  | { type: 'promote' }
  /** SIGTERM, then SIGKILL after timeoutMs (or at the lease deadline if that is sooner). */
  | { type: 'stop'; timeoutMs: number }
  /**
   * A validating neard must be dead by `killAt`: the last renewal's send time + TTL - margin. The lease
   * belongs to `sessionId`; a lease of no session, or of a session the guard destroyed after fencing, is
   * ignored (it may be a renewal answered before the destroy and delivered after it).
   */
  | { type: 'lease'; killAt: number; sessionId: string | null }
  /** The session to destroy once neard is confirmed dead, if the daemon itself dies (null: none). */
  | { type: 'session'; sessionId: string | null }
  /** The ACL token was rotated (SIGUSR1): destroy the session with this one (null: send none). */
  | { type: 'consul-token'; token: string | null }
  /**
   * SIGHUP neard `pid` so it re-reads its config (a planned stop's expected_shutdown). neard >= 2.x also
   * re-reads validator_key.json on SIGHUP, so the guard refuses while a voter's home holds `keyFile`: that
   * could hand it the key without the lease check a promotion gets. Answered by `reloaded` or `reload-refused`.
   */
  | { type: 'reload'; pid: number; keyFile: string };

export type FromGuard =
  | { type: 'ready' }
  | { type: 'started'; pid: number; mode: NeardMode }
  | { type: 'spawn-failed'; error: string }
  | { type: 'refused'; reason: string }
  /** neard is gone; `requested` when it was asked to stop, `fenced` when the guard killed it at the lease deadline. */
  | { type: 'exited'; pid: number; mode: NeardMode; code: number | null; signal: string | null; requested: boolean; fenced: boolean }
  /** A stop was asked while nothing ran. */
  | { type: 'stopped' }
  | { type: 'reloaded'; pid: number }
  /** busy: a voter's home holds the validator key (a promotion is under way); gone: not the running neard. */
  | { type: 'reload-refused'; pid: number; failure: 'busy' | 'gone'; reason: string }
  /**
   * The lease of this session lapsed while neard validated: the guard killed neard, saw it dead, and
   * destroyed the session so a standby can take over now. The daemon must treat the session as lost.
   */
  | { type: 'session-destroyed'; sessionId: string };

export type GuardHello = Extract<ToGuard, { type: 'hello' }>;
