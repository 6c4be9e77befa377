// `neard init`: one home with config.json, genesis.json, node_key.json and (for test
// chains, or when --account-id is given) validator_key.json, following nearcore's
// init_configs. The stand-in has no network access: --download-* are refused.
import { existsSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { epochLengthFromEnv } from './env.js';
import { loadConfig, loadGenesis } from './home.js';
import { keyFromSeed, randomKey, readKeyFile, writeKeyFile, type KeyFile } from './keys.js';
import { log } from './log.js';
import { configJson, DEFAULT_CONFIG_PARAMS, genesisJson, randomChainId } from './templates.js';

export interface InitOptions {
  home: string;
  chainId?: string;
  accountId?: string;
  testSeed?: string;
  bootNodes?: string;
  numShards: number;
  fast: boolean;
  genesis?: string;
  download: boolean;
  /** Where the INFO lines go: neard's stderr log by default; tests that init homes in-process pass a no-op. */
  log?: typeof log;
}

const PUBLIC_CHAINS = ['mainnet', 'testnet'];

/** nearcore's generate_or_load_key: reuse an existing file, else create one if an account is known. */
function generateOrLoadKey(path: string, accountId: string | undefined, seed: string | undefined, report: typeof log): KeyFile | null {
  if (existsSync(path)) {
    const key = readKeyFile(path);
    if (accountId !== undefined && key.account_id !== accountId) {
      throw new Error(`‘${path}’ contains key for ${key.account_id} but expecting key for ${accountId}`);
    }
    report('INFO', 'near', `Reusing key ${key.public_key} for ${key.account_id}`);
    return key;
  }
  if (accountId === undefined) return null;
  const key = seed !== undefined ? keyFromSeed(accountId, seed) : randomKey(accountId);
  report('INFO', 'near', `Using key ${key.public_key} for ${key.account_id}`);
  writeKeyFile(path, key);
  return key;
}

function generateOrLoadKeys(home: string, chainId: string, o: InitOptions): KeyFile | null {
  const report = o.log ?? log;
  generateOrLoadKey(join(home, 'node_key.json'), 'node', undefined, report);
  const isPublic = PUBLIC_CHAINS.includes(chainId);
  const account = isPublic ? o.accountId : (o.accountId ?? 'test.near');
  return generateOrLoadKey(join(home, 'validator_key.json'), account, isPublic ? undefined : o.testSeed, report);
}

export function initHome(o: InitOptions): void {
  if (o.download) throw new Error('downloading configs or genesis is not supported by the neard stand-in');
  if (o.chainId === '') throw new Error('--chain-id must not be empty');
  mkdirSync(o.home, { recursive: true });
  const chainId = o.chainId ?? randomChainId();

  if (existsSync(join(o.home, 'config.json'))) {
    // Existing home: check config and genesis, then only add missing keys.
    const config = loadConfig(o.home);
    loadGenesis(config.genesisFile);
    generateOrLoadKeys(o.home, chainId, o);
    return;
  }

  const isPublic = PUBLIC_CHAINS.includes(chainId);
  if (isPublic && o.testSeed !== undefined) throw new Error(`Test seed is not supported for ${chainId}`);
  if (isPublic && o.genesis === undefined) {
    throw new Error(`Genesis file is required for ${chainId}.\nUse <--genesis|--download-genesis>`);
  }
  const validatorKey = generateOrLoadKeys(o.home, chainId, o);
  const config = configJson({
    ...DEFAULT_CONFIG_PARAMS,
    bootNodes: o.bootNodes ?? '',
    minBlockProductionDelayMs: isPublic ? 1300 : o.fast ? 120 : 600,
    maxBlockProductionDelayMs: isPublic ? 3000 : o.fast ? 500 : 2000,
    skipSyncWait: !isPublic,
    // nearcore's init makes the node track all shards (nearcore issue 7388).
    trackedShardsConfig: 'AllShards',
  });
  writeFileSync(join(o.home, 'config.json'), JSON.stringify(config, null, 2) + '\n');

  if (o.genesis !== undefined) {
    copyFileSync(o.genesis, join(o.home, 'genesis.json'));
    (o.log ?? log)('INFO', 'near', `Generated for ${chainId} network node key and genesis file in ${o.home}`);
    return;
  }
  const genesis = genesisJson({
    chainId,
    accounts: validatorKey ? [validatorKey] : [],
    numValidators: validatorKey ? 1 : 0,
    numShards: o.numShards,
    epochLength: epochLengthFromEnv(o.fast ? 60 : 43200),
  });
  writeFileSync(join(o.home, 'genesis.json'), JSON.stringify(genesis, null, 2) + '\n');
  (o.log ?? log)('INFO', 'near', `Generated node key, validator key, genesis file in ${o.home}`);
}
