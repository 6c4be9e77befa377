// The one polling wait of the tests, for anything they watch but do not own (a Consul count, a /proc
// entry, a daemon's /state or log, a browser page): checks a condition every 20 ms (or `intervalMs`),
// never sleeps a fixed time, and names what it waited for, and what it saw last, on timeout.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../services/error-message.js';

export interface WaitOptions {
  /** Give up after this long; default 15 s. */
  timeoutMs?: number;
  /** Pause between checks; default 20 ms. Longer for a check that costs something (spawns a CLI, scrapes). */
  intervalMs?: number;
  /** A check that throws counts as "not yet" (a server still starting); the last error is named on timeout. */
  retryErrors?: boolean;
  /** A reason to stop waiting at once (the process under test exited), else undefined. */
  failFast?: () => string | undefined;
  /** What the timeout error adds: the last answer seen, a log tail. */
  detail?: () => string;
}

/** What a wait throws when it times out or gives up (a probe's own error is thrown as it is). */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/** "Not yet": what a probe returns until the value it waits for is there. */
type NotYet = undefined | null | false;

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_INTERVAL_MS = 20;

/**
 * Poll `probe` until it returns something other than undefined, null or false, and return that. Throws
 * naming `what` after the timeout (a number is the timeout alone). The probe runs at least once, and
 * once more after the deadline, so a slow machine gets the full time.
 */
export async function untilValue<T>(what: string, probe: () => T | NotYet | Promise<T | NotYet>, options: WaitOptions | number = {}): Promise<T> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, intervalMs = DEFAULT_INTERVAL_MS, retryErrors = false, failFast, detail } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const pastDeadline = Date.now() > deadline;
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      if (!retryErrors) throw error;
      lastError = error;
    }
    const reason = failFast?.();
    if (pastDeadline || reason !== undefined) {
      const why = reason !== undefined ? `gave up waiting for ${what}: ${reason}` : `timed out after ${timeoutMs} ms waiting for ${what}`;
      const lastErrorText = lastError === undefined ? '' : `; last error: ${errorMessage(lastError)}`;
      throw new WaitTimeoutError(`${why}${lastErrorText}${detail ? `\n${detail()}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Poll `condition` until it holds; throws naming `what` after the timeout (see untilValue). */
export async function until(what: string, condition: () => boolean | Promise<boolean>, options: WaitOptions | number = {}): Promise<void> {
  await untilValue(what, condition, options);
}

/**
 * A server's answers, polled every 50 ms: an error (not listening yet) is "not yet", as is undefined or
 * false. The neard stand-in's tests wait on it this way.
 */
export const untilAnswer = <T>(what: string, probe: () => T | NotYet | Promise<T | NotYet>, timeoutMs = 10_000): Promise<T> =>
  untilValue(what, probe, { timeoutMs, intervalMs: 50, retryErrors: true });
