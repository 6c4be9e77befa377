// `neard localnet`: homes <prefix>0..<prefix>N-1 under --home, like nearcore's
// init_localnet_configs. Keys derive from the seeds "<prefix>i"; validators are the first
// --validators accounts; node 0 is the boot node of all others; ports are free 127.0.0.1
// ports (reserve_for_test), since several nodes share one machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { epochLengthFromEnv } from './env.js';
import { keyFromSeed, writeKeyFile } from './keys.js';
import { log, panic } from './log.js';
import { reservePorts } from './ports.js';
import { configJson, DEFAULT_CONFIG_PARAMS, genesisJson, randomChainId, type TrackedShardsConfig } from './templates.js';

export interface LocalnetOptions {
  home: string;
  shards: number;
  validators: number;
  nonValidatorsArchival: number;
  nonValidatorsRpc: number;
  nonValidators: number;
  prefix: string;
  trackedShards: string;
}

/** --tracked-shards as nearcore's localnet reads it: 'all', 'none', or shard ids of the genesis layout (version 0). */
function trackedShardsConfig(spec: string): TrackedShardsConfig {
  const s = spec.toLowerCase();
  if (s === 'all') return 'AllShards';
  if (s === 'none') return 'NoShards';
  return {
    Shards: spec.split(',').map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 0) panic('neard/src/cli.rs', 'Shard id must be an integer');
      return `s${n}.v0`;
    }),
  };
}

const writeJson = (path: string, value: unknown): void => writeFileSync(path, JSON.stringify(value, null, 2) + '\n');

export async function initLocalnet(o: LocalnetOptions): Promise<void> {
  if (o.validators < 1) panic('nearcore/src/config.rs', 'No validators were added');
  let epochLength: number;
  try {
    epochLength = epochLengthFromEnv(60);
  } catch (err) {
    return panic('localnet/neard/env.ts', (err as Error).message);
  }
  const total = o.validators + o.nonValidatorsArchival + o.nonValidatorsRpc + o.nonValidators;
  const seeds = Array.from({ length: total }, (_, i) => `${o.prefix}${i}`);
  const validatorKeys = seeds.map((seed) => keyFromSeed(seed, seed));
  const nodeKeys = seeds.map((seed) => keyFromSeed('node', seed));
  // One network port per node (node 0's is the boot address) and one RPC port per node.
  const ports = await reservePorts(2 * total);
  const bootAddr = `127.0.0.1:${ports[0]}`;
  const genesis = genesisJson({
    chainId: randomChainId(),
    accounts: validatorKeys,
    numValidators: o.validators,
    numShards: o.shards,
    epochLength, // nearcore's localnet uses 60; NEARD_STANDIN_EPOCH_LENGTH overrides it
  });
  const tracked = trackedShardsConfig(o.trackedShards);

  for (let i = 0; i < total; i++) {
    const isBoot = i === 0;
    const isArchival = i >= o.validators && i < o.validators + o.nonValidatorsArchival;
    const isRpc = i >= o.validators + o.nonValidatorsArchival && i < o.validators + o.nonValidatorsArchival + o.nonValidatorsRpc;
    const config = configJson({
      ...DEFAULT_CONFIG_PARAMS,
      networkAddr: isBoot ? bootAddr : `127.0.0.1:${ports[i]}`,
      rpcAddr: `127.0.0.1:${ports[total + i]}`,
      bootNodes: isBoot ? '' : `${nodeKeys[0]?.public_key}@${bootAddr}`,
      minNumPeers: Math.min(o.validators - 1, DEFAULT_CONFIG_PARAMS.minNumPeers),
      skipSyncWait: o.validators === 1,
      // Archival and RPC nodes track all shards, whatever --tracked-shards says.
      trackedShardsConfig: isArchival || isRpc ? 'AllShards' : tracked,
      enableDebugRpc: true,
    });
    if (isArchival) Object.assign(config, { archive: true, save_trie_changes: true, cold_store: { path: 'cold-data' } });

    const dir = join(o.home, seeds[i] ?? '');
    mkdirSync(dir, { recursive: true });
    // Like nearcore, every node gets a validator key; only the first --validators are staked.
    writeKeyFile(join(dir, 'validator_key.json'), validatorKeys[i]!);
    writeKeyFile(join(dir, 'node_key.json'), nodeKeys[i]!);
    writeJson(join(dir, 'genesis.json'), genesis);
    writeJson(join(dir, 'config.json'), config);
    writeJson(join(dir, 'log_config.json'), { rust_log: null, verbose_module: null, opentelemetry: null });
    log('INFO', 'near', `Generated node key, validator key, genesis file in ${dir}`);
  }
}
