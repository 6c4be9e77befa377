/**
 * What docs/configuration.md promises for kuutamod's numeric options, written down apart from
 * src/settings.ts, src/option-parsers.ts and src/duration.ts so the settings fuzz test can check the
 * code against the documentation: how a duration or a count is written, each option's range and
 * default, and the rule between the session timings. test/fuzz/settings-fuzz.test.ts also checks that
 * every range and default here is the one the doc's row states.
 */
import type { Settings } from '../../src/settings.js';

/** The longest duration the doc allows: 2147483647ms. */
export const LONGEST_MS = 2_147_483_647;

export interface NumericOption {
  flag: string;
  env: string;
  kind: 'duration' | 'count';
  /** Inclusive range, in ms for a duration. */
  min: number;
  max: number;
  /** The default, in ms for a duration, as the doc's default column says. */
  defaultValue: number;
  /** The doc's default column, and the range as its meaning column writes it (none: only the general rule). */
  docDefault: string;
  docRange?: string;
  /** Where the resolved value lands in Settings. */
  read(settings: Settings): number;
}

const HOUR = 3_600_000;
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

const duration = (flag: string, env: string, docDefault: string, defaultValue: number, read: NumericOption['read'], range: Partial<Pick<NumericOption, 'min' | 'max' | 'docRange'>> = {}): NumericOption => ({
  flag,
  env,
  kind: 'duration',
  min: range.min ?? 0,
  max: range.max ?? LONGEST_MS,
  defaultValue,
  docDefault,
  ...(range.docRange === undefined ? {} : { docRange: range.docRange }),
  read,
});

const count = (flag: string, env: string, defaultValue: number, read: NumericOption['read'], range: Partial<Pick<NumericOption, 'min' | 'docRange'>> = {}): NumericOption => ({
  flag,
  env,
  kind: 'count',
  min: range.min ?? 0,
  max: MAX_COUNT,
  defaultValue,
  docDefault: String(defaultValue),
  ...(range.docRange === undefined ? {} : { docRange: range.docRange }),
  read,
});

/** Every numeric option of kuutamod, from docs/configuration.md. */
export const NUMERIC_OPTIONS: NumericOption[] = [
  duration('--on-role-change-timeout', 'KUUTAMO_ON_ROLE_CHANGE_TIMEOUT', '30s', 30_000, (s) => s.onRoleChangeTimeoutMs),
  duration('--member-publish-interval', 'KUUTAMO_MEMBER_PUBLISH_INTERVAL', '15s', 15_000, (s) => s.memberPublishIntervalMs, { min: 500, max: 8 * HOUR, docRange: '(500ms..8h)' }),
  count('--max-lag-blocks', 'KUUTAMO_MAX_LAG_BLOCKS', 50, (s) => s.maxLagBlocks),
  count('--failover-priority', 'KUUTAMO_FAILOVER_PRIORITY', 1, (s) => s.failoverPriority),
  duration('--production-stall', 'KUUTAMO_PRODUCTION_STALL', '15s', 15_000, (s) => s.productionStallMs),
  count('--production-missed-in-a-row', 'KUUTAMO_PRODUCTION_MISSED_IN_A_ROW', 5, (s) => s.productionMissesInARow, { min: 1, docRange: '(at least 1)' }),
  duration('--production-grace', 'KUUTAMO_PRODUCTION_GRACE', '2m', 120_000, (s) => s.productionGraceMs),
  duration('--production-hold', 'KUUTAMO_PRODUCTION_HOLD', '30m', 1_800_000, (s) => s.productionHoldMs),
  duration('--production-check-interval', 'KUUTAMO_PRODUCTION_CHECK_INTERVAL', '2s', 2_000, (s) => s.productionCheckIntervalMs, { min: 100, docRange: '(at least 100ms)' }),
  duration('--session-ttl', 'KUUTAMO_SESSION_TTL', '30s', 30_000, (s) => s.timings.sessionTtlMs, { min: 10_000, max: 24 * HOUR, docRange: '(10s..24h)' }),
  duration('--session-renew-interval', 'KUUTAMO_SESSION_RENEW_INTERVAL', '10s', 10_000, (s) => s.timings.sessionRenewIntervalMs),
  duration('--step-down-after', 'KUUTAMO_STEP_DOWN_AFTER', '25s', 25_000, (s) => s.timings.stepDownAfterMs),
  duration('--lock-acquire-interval', 'KUUTAMO_LOCK_ACQUIRE_INTERVAL', '30s', 30_000, (s) => s.timings.lockAcquireIntervalMs),
  duration('--status-interval', 'KUUTAMO_STATUS_INTERVAL', '1s', 1_000, (s) => s.timings.statusIntervalMs),
  duration('--startup-timeout', 'KUUTAMO_STARTUP_TIMEOUT', '120s', 120_000, (s) => s.timings.startupTimeoutMs),
  duration('--fence-margin', 'KUUTAMO_FENCE_MARGIN', '2s', 2_000, (s) => s.timings.fenceMarginMs),
  duration('--neard-stop-timeout', 'KUUTAMO_NEARD_STOP_TIMEOUT', '60s', 60_000, (s) => s.timings.neardStopTimeoutMs),
  duration('--handover-deadline', 'KUUTAMO_HANDOVER_DEADLINE', '60s', 60_000, (s) => s.timings.handoverDeadlineMs),
];

export type Reading = { value: number } | { refused: 'syntax' | 'range' };

const UNIT_MS: Record<string, bigint> = { '': 1000n, ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n };

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * A duration as the doc describes it: blanks around it, digits with an optional fraction, optional
 * blanks, an optional unit (none: seconds). Exact arithmetic: the fraction of a millisecond rounds
 * to the nearest, a half up.
 */
export function readDuration(text: string): Reading {
  const t = text.trim();
  let i = 0;
  while (isDigit(t[i])) i++;
  const whole = t.slice(0, i);
  let fraction = '';
  if (t[i] === '.') {
    let j = i + 1;
    while (isDigit(t[j])) j++;
    fraction = t.slice(i + 1, j);
    if (fraction === '') return { refused: 'syntax' };
    i = j;
  }
  const unit = UNIT_MS[t.slice(i).trimStart()];
  if (whole === '' || unit === undefined) return { refused: 'syntax' };
  const scale = 10n ** BigInt(fraction.length);
  const ms = (2n * BigInt(whole + fraction) * unit + scale) / (2n * scale);
  return ms > BigInt(LONGEST_MS) ? { refused: 'range' } : { value: Number(ms) };
}

/** A count as the doc describes it: digits only, no sign, no blanks; at most 2^53 - 1 (JavaScript's exact integers). */
export function readCount(text: string): Reading {
  if (text === '' || ![...text].every(isDigit)) return { refused: 'syntax' };
  const n = BigInt(text);
  return n > BigInt(MAX_COUNT) ? { refused: 'range' } : { value: Number(n) };
}

/** The option's value as the doc says it reads, range included. */
export function readOption(option: NumericOption, text: string): Reading {
  const reading = option.kind === 'duration' ? readDuration(text) : readCount(text);
  if ('refused' in reading) return reading;
  return reading.value < option.min || reading.value > option.max ? { refused: 'range' } : reading;
}

/** What resolving these given values must come to: every numeric option's value, or the flags of which one must be named. */
export type Expectation = { values: Map<NumericOption, number> } | { refused: string[] };

/**
 * `given`: option, text, and whether it came as a flag (else as its variable). A variable set to the
 * empty string is unset. Refused: every option that does not read or is out of its range, and every
 * option of a timing rule that does not hold among the values that read (the error may name any one).
 */
export function expectedSettings(given: ReadonlyArray<readonly [NumericOption, string, boolean]>): Expectation {
  const values = new Map(NUMERIC_OPTIONS.map((o) => [o, o.defaultValue]));
  const refused = new Set<string>();
  const unreadable = new Set<string>();
  for (const [option, text, asFlag] of given) {
    if (!asFlag && text === '') continue;
    const reading = option.kind === 'duration' ? readDuration(text) : readCount(text);
    if ('refused' in reading) {
      refused.add(option.flag);
      unreadable.add(option.flag);
    } else {
      values.set(option, reading.value);
      if (reading.value < option.min || reading.value > option.max) refused.add(option.flag);
    }
  }
  const ms = (flag: string) => values.get(NUMERIC_OPTIONS.find((o) => o.flag === flag)!)!;
  const rule = (holds: boolean, flags: string[]) => {
    if (!holds && !flags.some((flag) => unreadable.has(flag))) for (const flag of flags) refused.add(flag);
  };
  // docs/configuration.md: --session-renew-interval < --step-down-after < --session-ttl minus --fence-margin.
  rule(ms('--session-renew-interval') < ms('--step-down-after'), ['--session-renew-interval', '--step-down-after']);
  rule(ms('--step-down-after') < ms('--session-ttl') - ms('--fence-margin'), ['--step-down-after', '--session-ttl', '--fence-margin']);
  return refused.size > 0 ? { refused: [...refused] } : { values };
}
