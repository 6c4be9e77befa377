/**
 * Entry of the neard guard process, forked by the daemon (client.ts) with an IPC channel; the logic is
 * in guard.ts. It ignores terminal and service-manager signals: the daemon decides when neard stops,
 * and if the daemon goes away the closed channel tells the guard to stop neard itself.
 */
import { NeardGuard } from './guard.js';
import { isToGuard } from './protocol-checks.js';

if (!process.send) {
  process.stderr.write('kuutamod-guard: must be started by kuutamod (no IPC channel)\n');
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`kuutamod-guard[${process.pid}]: ${line}\n`);
const guard = new NeardGuard((message) => process.connected && process.send?.(message), log);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGHUP'] as const) process.on(signal, () => undefined);
process.on('message', (message: unknown) => {
  if (isToGuard(message)) guard.handle(message);
  else log(`ignored a malformed message from kuutamod: ${JSON.stringify(message)}`);
});
process.on('exit', () => guard.killNeardOnExit());
process.on('disconnect', () => {
  void guard.orphaned().finally(() => process.exit(0));
});
process.send({ type: 'ready' });
