/**
 * One account's kuutamod cluster for an integration test: a real Consul server, the pool's keys, a temp
 * directory, and daemons started on demand, all torn down by `stop()` (frozen daemons are thawed first
 * so they can stop). For tests that need no more than that; the older integration tests predate it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsulServer, type ConsulServer, type StartOptions } from './consul.js';
import { createNodeHome, createPoolKeys, startKuutamod, type Kuutamod, type KuutamodOptions, type PoolKeys } from './kuutamod.js';

export interface DaemonCluster {
  dir: string;
  consul: ConsulServer;
  pool: PoolKeys;
  daemons: Kuutamod[];
  /** The neard home of a daemon started by startNode. */
  homeOf: (daemon: Kuutamod) => string;
  /** A node home under `dir` and a daemon on it (extra environment and flags as startKuutamod takes them). */
  startNode(nodeId: string, options?: Pick<KuutamodOptions, 'env' | 'extraArgs'>): Promise<Kuutamod>;
  stop(): Promise<void>;
}

/** `consulOptions` makes the Consul server's options from the temp directory (TLS files live there). */
export async function startDaemonCluster(tempPrefix: string, consulOptions: (dir: string) => StartOptions = () => ({})): Promise<DaemonCluster> {
  const dir = mkdtempSync(join(tmpdir(), tempPrefix));
  const consul = await startConsulServer(consulOptions(dir));
  const pool = createPoolKeys(dir);
  const daemons: Kuutamod[] = [];
  return {
    dir,
    consul,
    pool,
    daemons,
    homeOf: (daemon) => join(dir, daemon.nodeId),
    async startNode(nodeId, options = {}) {
      const node = await createNodeHome(dir, nodeId, pool);
      const daemon = await startKuutamod({ consulUrl: consul.url, nodeId, pool, node, ...options });
      daemons.push(daemon);
      return daemon;
    },
    async stop() {
      for (const daemon of daemons) if (daemon.process.exitCode === null) daemon.process.kill('SIGCONT');
      await Promise.all(daemons.map((daemon) => daemon.stop()));
      await consul.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
