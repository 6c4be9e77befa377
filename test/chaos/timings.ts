// Daemon timings the harness runs with, as flags, and the recovery bound they imply.

export interface ChaosTimings {
  ttlMs: number;
  renewMs: number;
  stepDownMs: number;
  fenceMarginMs: number;
  /** Allowance for the standby to restart neard with the key (stop voter, start validator). */
  neardStartMs: number;
  /** --handover-deadline: a planned switchover's candidate must validate this long after the leader began releasing. */
  handoverDeadlineMs: number;
}

/** Short TTL (Consul's minimum) so a trial takes seconds; the fallback lock poll stays at its 30 s default. */
export const CHAOS_TIMINGS: ChaosTimings = { ttlMs: 10_000, renewMs: 3_000, stepDownMs: 6_000, fenceMarginMs: 2_000, neardStartMs: 4_000, handoverDeadlineMs: 8_000 };

/** kuutamod's defaults, for the idle request-rate measurement. */
export const DEFAULT_DAEMON_TIMINGS: ChaosTimings = { ttlMs: 30_000, renewMs: 10_000, stepDownMs: 25_000, fenceMarginMs: 2_000, neardStartMs: 4_000, handoverDeadlineMs: 60_000 };

const s = (ms: number) => `${ms / 1000}s`;

export function timingFlags(t: ChaosTimings): string[] {
  return [
    '--session-ttl', s(t.ttlMs),
    '--session-renew-interval', s(t.renewMs),
    '--step-down-after', s(t.stepDownMs),
    '--fence-margin', s(t.fenceMarginMs),
    // Short, so a mid-handover fault that stalls the candidate ends within seconds (the default is 60 s).
    '--handover-deadline', s(t.handoverDeadlineMs),
    // The rest at the daemon's defaults (test/support/kuutamod.ts passes fast ones first; last flag wins).
    '--lock-acquire-interval', '30s',
    '--status-interval', '1s',
    '--startup-timeout', '120s',
    '--neard-stop-timeout', '60s',
  ];
}

/** A validator must be back within 2 x TTL (Consul's real expiry) + 1 s + neard start, counted from the fault. */
export function recoveryBoundMs(t: ChaosTimings): number {
  return 2 * t.ttlMs + 1_000 + t.neardStartMs;
}

export function describeTimings(t: ChaosTimings): string {
  return `--session-ttl ${s(t.ttlMs)} --session-renew-interval ${s(t.renewMs)} --step-down-after ${s(t.stepDownMs)} --fence-margin ${s(t.fenceMarginMs)} --handover-deadline ${s(t.handoverDeadlineMs)} (--lock-acquire-interval 30s, --status-interval 1s, --neard-stop-timeout 60s: defaults)`;
}
