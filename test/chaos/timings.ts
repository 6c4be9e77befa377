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

/**
 * Production-check settings (issue 17) of the gray faults' trials. The defaults (grace 2 min, hold 30 min)
 * would hold every trial after the first: at these timings a trial starts seconds after the previous
 * takeover. With 200 ms blocks the default miss rule (5 in a row) is one second of duties.
 */
export interface GrayProduction {
  /** --member-publish-interval: the leader's head and each standby's verdict reach Consul within this. */
  publishMs: number;
  checkIntervalMs: number;
  graceMs: number;
  /** Also the old leader's bench: the next trial waits until both ended. */
  holdMs: number;
  stallMs: number;
}

/** stallMs at its default (15 s): shorter, a standby judged the leader failing right after a chain stall ended (docs/chaos.md, G4). */
export const GRAY_PRODUCTION: GrayProduction = { publishMs: 1_000, checkIntervalMs: 500, graceMs: 5_000, holdMs: 10_000, stallMs: 15_000 };

const ms = (n: number) => (n % 1000 === 0 ? s(n) : `${n}ms`);

export function grayProductionFlags(g: GrayProduction = GRAY_PRODUCTION): string[] {
  return [
    '--member-publish-interval', ms(g.publishMs),
    '--production-check-interval', ms(g.checkIntervalMs),
    '--production-grace', ms(g.graceMs),
    '--production-hold', ms(g.holdMs),
    '--production-stall', ms(g.stallMs),
  ];
}
