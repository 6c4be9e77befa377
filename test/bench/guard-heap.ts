// Does the neard guard stay far from its heap limits with the V8 flags the daemon forks it with
// (GUARD_NODE_FLAGS in services/neard/guard/client.ts)? Forks the compiled guard exactly so, plus
// --trace-gc, has it run a validating `sleep` (standing in for neard) and feeds it leases far more often
// than a daemon does (default every 100 ms against one per 10 s renewal), then reports the V8 heap after
// each GC (from --trace-gc) and the process's private memory over the run. `--node-flags ""` runs the
// guard without the flags, for a before/after comparison.
// `npm run build && node dist/test/bench/guard-heap.js --minutes 10` (see docs/scale.md).
import { Command, InvalidArgumentError, Option } from 'commander';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { GUARD_NODE_FLAGS } from '../../services/neard/guard/client.js';
import { isFromGuard } from '../../services/neard/guard/protocol-checks.js';
import type { ToGuard } from '../../services/neard/guard/protocol.js';
import { monotonicNow } from '../../services/monotonic-clock.js';
import { actorTimings } from '../../services/service-timings.js';
import { memoryOf } from './proc-usage.js';

const GUARD_MAIN = fileURLToPath(new URL('../../services/neard/guard/main.js', import.meta.url));
/** A --trace-gc line: `... Scavenge 3.9 (5.2) -> 3.1 (5.2) MB, ...`: heap used (committed) before -> after. */
const GC_LINE = /(Scavenge|Mark-Compact|Mark-sweep)[^\d]*([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/;

const positive = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
};
const program = new Command('guard-heap')
  .description("The neard guard's V8 heap and private memory under a fast lease stream, with the daemon's V8 flags")
  .addOption(new Option('--minutes <m>', 'how long to run').argParser(positive).default(10))
  .addOption(new Option('--lease-ms <ms>', 'interval between leases').argParser(positive).default(100))
  .option('--node-flags <flags>', 'node flags of the guard instead of the daemon\'s, space-separated ("" for none: a before/after comparison)');
program.parse();
const opts = program.opts<{ minutes: number; leaseMs: number; nodeFlags?: string }>();
const nodeFlags = opts.nodeFlags === undefined ? [...GUARD_NODE_FLAGS] : opts.nodeFlags.split(' ').filter(Boolean);

const guard = fork(GUARD_MAIN, [], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  serialization: 'json',
  execArgv: [...nodeFlags, '--trace-gc'],
});
const gcs: Array<{ kind: string; usedAfterMb: number; committedMb: number }> = [];
let partial = '';
guard.stdout!.on('data', (chunk: Buffer) => {
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop()!;
  for (const line of lines) {
    const match = GC_LINE.exec(line);
    if (match) gcs.push({ kind: match[1]!, usedAfterMb: Number(match[4]), committedMb: Number(match[5]) });
  }
});
const send = (message: ToGuard) => guard.send(message);
const answers: string[] = [];
guard.on('message', (message: unknown) => answers.push(isFromGuard(message) ? message.type : `malformed ${JSON.stringify(message)}`));
await once(guard, 'message');

const sessionId = 'guard-heap-session';
// A Consul nobody listens on: the guard only calls it if it fences (the leases here prevent that) or,
// once orphaned, for the daemon's session, which it is never told (no `session` message): so when this
// script ends or is interrupted, the guard only stops neard and exits.
send({ type: 'hello', consul: { url: 'http://127.0.0.1:1' }, timings: actorTimings(DEFAULT_TIMINGS) });
const lease = () => send({ type: 'lease', killAt: monotonicNow() + 20_000, sessionId });
lease();
send({ type: 'start', mode: 'validator', bin: 'sleep', args: [String(opts.minutes * 60 + 60)] });

const ussSamples: number[] = [];
const end = Date.now() + opts.minutes * 60_000;
let sent = 0;
while (Date.now() < end) {
  lease();
  sent++;
  if (sent % Math.max(1, Math.round(10_000 / opts.leaseMs)) === 0) ussSamples.push(memoryOf(guard.pid!)?.ussMb ?? NaN);
  await sleep(opts.leaseMs);
}
const final = memoryOf(guard.pid!);
const answersDuringRun = [...new Set(answers)];
const exited = once(guard, 'exit');
guard.disconnect();
await exited;

const mb = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
const last = gcs.at(-1);
const lines = [
  `guard flags: ${nodeFlags.join(' ') || '(none)'}; ${opts.minutes} min, ${sent} leases (one per ${opts.leaseMs} ms), neard stand-in validating`,
  `answers from the guard during the run: ${answersDuringRun.join(', ')}${answersDuringRun.includes('exited') ? ' (**neard exited**)' : ' (neard validated the whole time)'}`,
  `GCs: ${gcs.length} (${gcs.filter((g) => g.kind !== 'Scavenge').length} full); heap used after GC: last ${mb(last?.usedAfterMb)} MB, highest ${mb(Math.max(...gcs.map((g) => g.usedAfterMb)))} MB; committed highest ${mb(Math.max(...gcs.map((g) => g.committedMb)))} MB`,
  `guard USS MB every 10 s: first ${mb(ussSamples[0])}, last ${mb(ussSamples.at(-1))}, highest ${mb(Math.max(...ussSamples))}; at the end RSS ${mb(final?.rssMb)} USS ${mb(final?.ussMb)}`,
];
process.stdout.write(lines.join('\n') + '\n');
