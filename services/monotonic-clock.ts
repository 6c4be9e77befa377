/**
 * Milliseconds on the system-wide monotonic clock (CLOCK_MONOTONIC via libuv): immune to wall-clock
 * jumps and the same in every process of this machine, so the daemon and its neard guard can agree on
 * a fencing deadline without trusting message delivery times.
 */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}
