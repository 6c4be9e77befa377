/**
 * Durations as operators write them (`30s`, `500ms`, `2m`, `1h`, or bare seconds) and back, so the
 * timing defaults in --help and docs/configuration.md are printed from DEFAULT_TIMINGS, not restated.
 */

/** The longest delay setTimeout honours (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_DURATION_MS = 2_147_483_647;

const UNIT_MS = { ms: 1n, s: 1_000n, m: 60_000n, h: 3_600_000n } as const;

/**
 * Parse an operator-written duration into milliseconds. Exact decimal arithmetic (BigInt), so a
 * fraction of a millisecond rounds to the nearest, a half up ('65536.0455' is 65536046 ms; floating
 * point would make it 65536045.4999... and round down), and a huge number is refused, not turned into Infinity.
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+)(?:\.(\d+))?\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new Error(`'${text}' is not a duration (examples: 30s, 500ms, 2m)`);
  const [, whole, fraction = '', unit = 's'] = match as unknown as [string, string, string | undefined, keyof typeof UNIT_MS | undefined];
  const scale = 10n ** BigInt(fraction.length);
  const ms = (2n * BigInt(whole + fraction) * UNIT_MS[unit] + scale) / (2n * scale);
  // Node turns a longer setTimeout into a 1 ms one: '1000h' would fire at once, not in six weeks.
  if (ms > BigInt(MAX_DURATION_MS)) throw new Error(`'${text}' is longer than ${MAX_DURATION_MS}ms (about 24 days), the longest delay a timer can wait`);
  return Number(ms);
}

/** Milliseconds as kuutamod writes its defaults: whole seconds as `120s`, anything finer as `500ms`. */
export function formatDuration(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;
}
