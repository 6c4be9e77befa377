/**
 * The pool's keys and a node's neard home, made by the neard stand-in's own `init` (localnet/neard/init.ts)
 * run in this process: the same files `neard init` writes, without spawning it, so a unit test of settings
 * or key files can have real ones. Daemon tests take them through test/support/kuutamod.ts.
 */
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { initHome } from '../../localnet/neard/init.js';
import { objectField, patchJsonObjectFile } from '../../services/json-object.js';

/** The test pool's validator account. */
export const ACCOUNT_ID = 'pool.test';

export interface PoolKeys {
  validatorKey: string;
  validatorNodeKey: string;
}

export interface NodeHome {
  home: string;
  voterNodeKey: string;
}

/** `neard --home <home> init --chain-id localnet [--account-id <account>]`, without its log lines. */
function neardInit(home: string, accountId?: string): void {
  initHome({ home, chainId: 'localnet', accountId, numShards: 1, fast: false, download: false, log: () => undefined });
}

/** The pool's keys, as `neard init --account-id` writes them (in `<dir>/pool`, beside the pool's genesis). */
export function createPoolKeys(dir: string): PoolKeys {
  const home = join(dir, 'pool');
  neardInit(home, ACCOUNT_ID);
  return { validatorKey: join(home, 'validator_key.json'), validatorNodeKey: join(home, 'node_key.json') };
}

/**
 * A home for one kuutamod in `<dir>/<name>`: the pool's genesis, its own node key kept as
 * voter_node_key.json, no validator key. `rpcAddr` goes into config.json (a daemon's neard listens there);
 * without it the template's stays, for tests where no neard runs.
 */
export function createNodeHomeFiles(dir: string, name: string, pool: PoolKeys, rpcAddr?: string): NodeHome {
  const home = join(dir, name);
  neardInit(home);
  rmSync(join(home, 'validator_key.json'), { force: true });
  const voterNodeKey = join(home, 'voter_node_key.json');
  renameSync(join(home, 'node_key.json'), voterNodeKey);
  copyFileSync(join(pool.validatorKey, '..', 'genesis.json'), join(home, 'genesis.json'));
  if (rpcAddr !== undefined) {
    const configFile = join(home, 'config.json');
    patchJsonObjectFile(configFile, (config) => {
      config['rpc'] = { ...objectField(config, 'rpc', configFile), addr: rpcAddr };
    });
  }
  return { home, voterNodeKey };
}
