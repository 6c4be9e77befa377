// Ctrl-C or a kill of a harness (chaos run, scale benchmark, soak): SIGKILL every process it started,
// synchronously (the whole descendant tree: daemons, guards, neards, Consul agents), run the caller's
// cleanup (e.g. remove its temp dir), then exit 130. Installed once per process.
import { killAllDescendants } from './proc.js';

let hooked = false;
const cleanups: Array<() => void> = [];

export function killTreeOnInterrupt(cleanup?: () => void): void {
  if (cleanup) cleanups.push(cleanup);
  if (hooked) return;
  hooked = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.prependListener(signal, () => {
      killAllDescendants();
      for (const run of cleanups) run();
      process.exit(130);
    });
  }
}
