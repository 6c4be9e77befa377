// stderr logging in the shape of neard's tracing output:
// `2024-05-01T12:00:00.123456Z  INFO stats: #      42 <hash> ...`
import { performance } from 'node:perf_hooks';

export type Level = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

/** RFC 3339 UTC with microseconds, as tracing-subscriber prints it. */
function timestamp(): string {
  const ms = performance.timeOrigin + performance.now();
  const iso = new Date(Math.floor(ms)).toISOString(); // ...T12:00:00.123Z
  const micros = Math.floor((ms % 1) * 1000);
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

export function log(level: Level, target: string, message: string): void {
  process.stderr.write(`${timestamp()} ${level.padStart(5)} ${target}: ${message}\n`);
}

/**
 * A Rust panic: neard aborts startup this way on bad config, busy ports or a locked DB.
 * Exit code 101 is what a panicking Rust binary returns.
 */
export function panic(location: string, message: string): never {
  process.stderr.write(`\nthread 'main' panicked at ${location}:\n${message}\n` +
    'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n');
  process.exit(101);
}
