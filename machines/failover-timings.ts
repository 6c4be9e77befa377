/**
 * Every timing of the failover algorithm, in milliseconds. Defaults are kuutamod's values except the
 * lock attempts: kuutamod polled the lock every second; we wait on a Consul blocking query and poll
 * only as a slow fallback.
 * The chart and the services read them from here so tests can run the same chart fast.
 */
export interface FailoverTimings {
  /** How long Startup waits for neard's /status to answer before restarting neard. */
  startupTimeoutMs: number;
  /** How many times Startup (re)starts neard before giving up. */
  startupTries: number;
  /** Pause between two /status queries. */
  statusIntervalMs: number;
  /** Consecutive /status failures that send a running neard back to Startup. */
  statusFailureLimit: number;
  /** Consecutive /status failures tolerated right after neard was (re)started. */
  statusFailureLimitAfterRestart: number;
  /** Consul session TTL (Consul accepts 10 s .. 86400 s). */
  sessionTtlMs: number;
  /** Pause between two session renewals. */
  sessionRenewIntervalMs: number;
  /** Validating steps down to Voting when no renewal has succeeded for this long. */
  stepDownAfterMs: number;
  /** Fallback pause between two attempts to acquire the leader lock (the blocking query wakes us first). */
  lockAcquireIntervalMs: number;
  /** How long one blocking query on the lock key may be held open by Consul. */
  lockWatchWaitMs: number;
  /**
   * Safety margin of the fence: a validating neard is SIGKILLed at (last renewal's send time + TTL - margin),
   * before Consul could invalidate the session and hand the lock to another node.
   */
  fenceMarginMs: number;
  /** Grace period between SIGTERM and SIGKILL when stopping neard. */
  neardStopTimeoutMs: number;
  /** How long session destroy is retried (with backoff) before giving up. */
  sessionDestroyRetryMs: number;
  /** Timeout of one HTTP request to Consul or to neard. */
  requestTimeoutMs: number;
  /**
   * A planned switchover: how long the candidate has, from the old leader's start of releasing, to
   * validate; after it the old leader takes the role back.
   */
  handoverDeadlineMs: number;
  /** Other standbys yield until the handover's deadline plus this grace, so the old leader comes first. */
  handoverYieldGraceMs: number;
  /**
   * Head start an eligible standby gives a live eligible standby of higher --failover-priority: it tries
   * for a freed lock only this long after seeing it free, so the higher one wins.
   */
  priorityYieldMs: number;
}

export const DEFAULT_TIMINGS: FailoverTimings = {
  startupTimeoutMs: 120_000,
  startupTries: 3,
  statusIntervalMs: 1_000,
  statusFailureLimit: 3,
  statusFailureLimitAfterRestart: 120,
  sessionTtlMs: 30_000,
  sessionRenewIntervalMs: 10_000,
  stepDownAfterMs: 25_000,
  lockAcquireIntervalMs: 30_000,
  lockWatchWaitMs: 300_000,
  fenceMarginMs: 2_000,
  neardStopTimeoutMs: 60_000,
  sessionDestroyRetryMs: 27_000,
  requestTimeoutMs: 5_000,
  handoverDeadlineMs: 60_000,
  handoverYieldGraceMs: 2_000,
  priorityYieldMs: 2_000,
};
