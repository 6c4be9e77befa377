/**
 * Timings the actors need and the chart never sees, with named defaults. The chart's own timings
 * (machines/failover-timings.ts) travel to the actors whole, together with these, as `ActorTimings`:
 * no actor receives a renamed copy of a timing or a bare number.
 */
import type { FailoverTimings } from '../machines/failover-timings.js';

export interface ServiceTimings {
  /** Pause before retrying a failed session create or a failed blocking query on the lock key. */
  consulRetryIntervalMs: number;
  /**
   * Pause before retrying a renewal that failed with anything but 404 (e.g. HTTP 500 "No cluster leader"
   * during a Consul leader election). Well under sessionRenewIntervalMs, so a few-second outage is bridged
   * before the step-down deadline; never longer than the renew interval, and one request at a time, so a
   * dead agent sees at most one renewal per this interval.
   */
  sessionRenewRetryMs: number;
  /**
   * A renewal unanswered this long is given up and retried (capped by requestTimeoutMs). During a Consul
   * leader election the agent can hold a renewal sent to the dying leader until long after the new leader
   * answers; a renewal normally takes milliseconds. Safe: a lease only ever counts from the send time of a
   * renewal that succeeded, and renewing twice is harmless.
   */
  sessionRenewTimeoutMs: number;
  /**
   * How long a Consul outage starting at any instant the lock holder must ride out without stepping down:
   * a raft leader election, during which every renewal answers 500 or is held (3-5 s on a loaded machine,
   * docs/chaos.md finding 3). The holder renews every min(sessionRenewIntervalMs, stepDownAfterMs - this),
   * so its last success is never older than that when the outage begins (holderRenewIntervalMs).
   * At kuutamod's defaults (25 s - 5 s > 10 s) this changes nothing; at TTL 10 s / step-down 6 s the
   * holder renews every second. Renewing more often never extends a lease: it counts from the send time
   * of a renewal that succeeded.
   */
  consulOutageToleranceMs: number;
  /** First pause between two attempts to destroy a session; it doubles up to destroyBackoffMaxMs. */
  destroyBackoffFirstMs: number;
  /** Longest pause between two attempts to destroy a session. */
  destroyBackoffMaxMs: number;
}

export const DEFAULT_SERVICE_TIMINGS: ServiceTimings = {
  consulRetryIntervalMs: 1_000,
  sessionRenewRetryMs: 500,
  sessionRenewTimeoutMs: 2_000,
  consulOutageToleranceMs: 5_000,
  destroyBackoffFirstMs: 100,
  destroyBackoffMaxMs: 5_000,
};

/** Everything an actor may need to know about time. */
export type ActorTimings = FailoverTimings & ServiceTimings;

/**
 * Renewal period of the node holding the lock: short enough that an outage of consulOutageToleranceMs
 * beginning right before a renewal still ends before the step-down deadline, never longer than the
 * configured interval, and never shorter than the retry pause (one request at a time either way).
 */
export function holderRenewIntervalMs(timings: ActorTimings): number {
  const { sessionRenewIntervalMs, stepDownAfterMs, consulOutageToleranceMs, sessionRenewRetryMs } = timings;
  return Math.min(sessionRenewIntervalMs, Math.max(sessionRenewRetryMs, stepDownAfterMs - consulOutageToleranceMs));
}

/** The chart's timings completed with the service defaults. */
export function actorTimings(timings: FailoverTimings): ActorTimings {
  return { ...DEFAULT_SERVICE_TIMINGS, ...timings };
}
