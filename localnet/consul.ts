/**
 * Consul for the localnet: $CONSUL_BIN, else the project's own copy (localnet/install-consul.sh
 * fetches Debian's consul 1.8.7 into .tools/ the first time), and a readiness probe.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export function ensureConsul(env: NodeJS.ProcessEnv = process.env): string {
  if (env['CONSUL_BIN']) return env['CONSUL_BIN'];
  // Idempotent and quick when the binary is there; prints its path on stdout, progress on stderr.
  const result = spawnSync('bash', [join(REPO_ROOT, 'localnet', 'install-consul.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !path) throw new Error(`localnet/install-consul.sh failed (exit ${result.status}); set CONSUL_BIN to a consul binary instead.`);
  return path;
}

/** Ready = a raft leader is known (sessions can be created from then on). */
export async function waitConsulReady(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    try {
      const response = await fetch(`${url}/v1/status/leader`, { signal: AbortSignal.timeout(1_000) });
      const leader = (await response.text()).trim();
      if (response.ok && leader !== '' && leader !== '""') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(alive() ? `consul at ${url} has no leader after ${timeoutMs} ms` : 'consul exited during startup');
}
