/**
 * Node/V8 flags the daemon should run with, for memory. The deployed unit passes them in NODE_OPTIONS
 * (deploy/kuutamod.service; test/unit/systemd-unit.test.ts keeps the two equal) and the test and
 * benchmark launcher passes them on the command line (test/support/kuutamod.ts): V8 reads them only
 * when the process starts, so the daemon cannot set them on itself.
 *
 * --max-semi-space-size=1: a 1 MB young generation instead of up to 16 MB per semi-space. The daemon
 * allocates little and steadily (a /status poll a second, Consul answers), so the young generation
 * grows to its limit for nothing. Measured with `node dist/test/bench/scale.js --pools 1 --kills 1
 * --idle-seconds 20 --settle-seconds 5` with and without it: daemon private memory (USS) 40.2 -> 32.1 MB
 * (idle leader) and 39.0 -> 29.6 MB (idle standby), RSS 85 -> 77 MB, CPU per hour unchanged (50-56 s).
 * The old generation keeps node's default limit, as for the guard (services/neard-guard/client.ts).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
