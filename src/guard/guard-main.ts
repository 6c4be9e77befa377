/**
 * Entry of the neard guard process, forked by the daemon with an IPC channel (see neard-guard.ts).
 * It ignores terminal and service-manager signals: the daemon decides when neard stops, and if the
 * daemon goes away the closed channel tells the guard to stop neard itself.
 */
import type { ToGuard } from '../../services/neard-guard-protocol.js';
import { NeardGuard } from './neard-guard.js';

if (!process.send) {
  process.stderr.write('kuutamod-guard: must be started by kuutamod (no IPC channel)\n');
  process.exit(2);
}

const guard = new NeardGuard(
  (message) => process.connected && process.send?.(message),
  (line) => process.stderr.write(`kuutamod-guard[${process.pid}]: ${line}\n`),
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGHUP'] as const) process.on(signal, () => undefined);
process.on('message', (message) => guard.handle(message as ToGuard));
process.on('disconnect', () => {
  void guard.orphaned().finally(() => process.exit(0));
});
process.send({ type: 'ready' });
