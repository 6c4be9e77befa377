/**
 * Durations as operators write them (`30s`, `500ms`, `2m`, `1h`, or bare seconds) and back, so the
 * timing defaults in --help and docs/configuration.md are printed from DEFAULT_TIMINGS, not restated.
 */

/** The longest delay setTimeout honours (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_DURATION_MS = 2_147_483_647;

/** Parse an operator-written duration into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new Error(`'${text}' is not a duration (examples: 30s, 500ms, 2m)`);
  const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * unitMs);
  // Node turns a longer setTimeout into a 1 ms one: '1000h' would fire at once, not in six weeks.
  if (!(ms <= MAX_DURATION_MS)) throw new Error(`'${text}' is longer than ${MAX_DURATION_MS}ms (about 24 days), the longest delay a timer can wait`);
  return ms;
}

/** Milliseconds as kuutamod writes its defaults: whole seconds as `120s`, anything finer as `500ms`. */
export function formatDuration(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;
}
