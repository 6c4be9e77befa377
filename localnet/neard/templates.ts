// File contents that `neard init` / `neard localnet` write: config.json (nearcore's
// Config::default() with the fields a supervisor reads) and genesis.json.
import { randomBytes } from 'node:crypto';
import { PROTOCOL_VERSION } from './version.js';
import { ZERO_HASH, isoNanos } from './chain.js';

const dur = (ms: number): { secs: number; nanos: number } => ({
  secs: Math.floor(ms / 1000),
  nanos: (ms % 1000) * 1_000_000,
});

/**
 * nearcore's TrackedShardsConfig as config.json holds it (serde's externally tagged enum): which shards the
 * node keeps state for. ShardUIds are written "s<shard>.v<layout version>".
 */
export type TrackedShardsConfig =
  | 'AllShards'
  | 'NoShards'
  | { Shards: string[] }
  | { ShadowValidator: string }
  | { Schedule: number[][] }
  | { Accounts: string[] };

export interface ConfigParams {
  networkAddr: string;
  rpcAddr: string;
  bootNodes: string;
  minBlockProductionDelayMs: number;
  maxBlockProductionDelayMs: number;
  minNumPeers: number;
  skipSyncWait: boolean;
  trackedShardsConfig: TrackedShardsConfig;
  enableDebugRpc: boolean;
}

export const DEFAULT_CONFIG_PARAMS: ConfigParams = {
  networkAddr: '0.0.0.0:24567',
  rpcAddr: '0.0.0.0:3030',
  bootNodes: '',
  minBlockProductionDelayMs: 600,
  maxBlockProductionDelayMs: 2000,
  minNumPeers: 3,
  skipSyncWait: false,
  trackedShardsConfig: 'NoShards',
  enableDebugRpc: false,
};

export function configJson(p: ConfigParams): Record<string, unknown> {
  return {
    genesis_file: 'genesis.json',
    genesis_records_file: null,
    validator_key_file: 'validator_key.json',
    node_key_file: 'node_key.json',
    rpc: {
      addr: p.rpcAddr,
      prometheus_addr: null,
      cors_allowed_origins: ['*'],
      polling_config: { polling_interval: dur(500), polling_timeout: dur(10_000) },
      limits_config: { json_payload_max_size: 10 * 1024 * 1024 },
      enable_debug_rpc: p.enableDebugRpc,
      experimental_debug_pages_src_path: null,
    },
    telemetry: { endpoints: [], reporting_interval: dur(10_000) },
    network: {
      addr: p.networkAddr,
      external_address: '',
      boot_nodes: p.bootNodes,
      whitelist_nodes: '',
      max_num_peers: 40,
      minimum_outbound_peers: 5,
      ideal_connections_lo: 30,
      ideal_connections_hi: 35,
      peer_recent_time_window: dur(600_000),
      safe_set_size: 20,
      archival_peer_connections_lower_bound: 10,
      handshake_timeout: dur(20_000),
      skip_sync_wait: p.skipSyncWait,
      ban_window: dur(10_800_000),
      blacklist: [],
      ttl_account_id_router: dur(3_600_000),
      peer_stats_period: dur(5_000),
      public_addrs: [],
      allow_private_ip_in_public_addrs: false,
      trusted_stun_servers: [],
    },
    consensus: {
      min_num_peers: p.minNumPeers,
      block_production_tracking_delay: dur(100),
      min_block_production_delay: dur(p.minBlockProductionDelayMs),
      max_block_production_delay: dur(p.maxBlockProductionDelayMs),
      max_block_wait_delay: dur(6_000),
      produce_empty_blocks: true,
      block_fetch_horizon: 50,
      block_header_fetch_horizon: 50,
      catchup_step_period: dur(100),
      chunk_request_retry_period: dur(400),
      header_sync_initial_timeout: dur(10_000),
      header_sync_progress_timeout: dur(2_000),
      header_sync_stall_ban_timeout: dur(120_000),
      state_sync_timeout: dur(60_000),
      header_sync_expected_height_per_second: 10,
      sync_check_period: dur(10_000),
      sync_step_period: dur(10),
      doomslug_step_period: dur(100),
      sync_height_threshold: 1,
      sync_max_block_requests: 10,
    },
    // Newer neard writes only tracked_shards_config; the deprecated tracked_* fields are left out (None).
    tracked_shards_config: p.trackedShardsConfig,
    log_summary_style: 'colored',
    log_summary_period: dur(10_000),
    enable_multiline_logging: false,
    gc_blocks_limit: 2,
    gc_fork_clean_step: 100,
    gc_num_epochs_to_keep: 5,
    view_client_threads: 4,
    view_client_throttle_period: dur(30_000),
    trie_viewer_state_size_limit: 50_000,
    store: { path: null },
    state_sync_enabled: false,
  };
}

/** nearcore's random_chain_id(): "test-chain-" and five random alphanumerics. */
export function randomChainId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return 'test-chain-' + [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

export interface GenesisAccount {
  account_id: string;
  public_key: string;
}

// TESTING_INIT_BALANCE / TESTING_INIT_STAKE of nearcore's test_utils, in yoctoNEAR.
const INIT_BALANCE = '1000000000000000000000000000000000';
const INIT_STAKE = '50000000000000000000000000000000';

export function genesisJson(p: {
  chainId: string;
  accounts: GenesisAccount[];
  numValidators: number;
  numShards: number;
  epochLength: number;
}): Record<string, unknown> {
  const validators = p.accounts.slice(0, p.numValidators);
  const records = p.accounts.flatMap((a, i) => [
    {
      Account: {
        account_id: a.account_id,
        account: {
          amount: INIT_BALANCE,
          locked: i < p.numValidators ? INIT_STAKE : '0',
          code_hash: ZERO_HASH,
          storage_usage: 0,
          version: 'V1',
        },
      },
    },
    { AccessKey: { account_id: a.account_id, public_key: a.public_key, access_key: { nonce: 0, permission: 'FullAccess' } } },
  ]);
  return {
    protocol_version: PROTOCOL_VERSION,
    genesis_time: isoNanos(Date.now()),
    chain_id: p.chainId,
    genesis_height: 0,
    num_block_producer_seats: Math.max(1, p.numValidators),
    num_block_producer_seats_per_shard: Array.from({ length: p.numShards }, () => Math.max(1, p.numValidators)),
    avg_hidden_validator_seats_per_shard: Array.from({ length: p.numShards }, () => 0),
    dynamic_resharding: false,
    protocol_upgrade_stake_threshold: [4, 5],
    epoch_length: p.epochLength,
    gas_limit: 1_000_000_000_000_000,
    min_gas_price: '100000000',
    max_gas_price: '10000000000000000000000',
    block_producer_kickout_threshold: 90,
    chunk_producer_kickout_threshold: 90,
    online_min_threshold: [90, 100],
    online_max_threshold: [99, 100],
    gas_price_adjustment_rate: [1, 100],
    validators: validators.map((v) => ({ account_id: v.account_id, public_key: v.public_key, amount: INIT_STAKE })),
    transaction_validity_period: 100,
    protocol_reward_rate: [1, 10],
    max_inflation_rate: [1, 20],
    total_supply: (BigInt(INIT_BALANCE) * BigInt(p.accounts.length) + BigInt(INIT_STAKE) * BigInt(validators.length)).toString(),
    num_blocks_per_year: 31_536_000,
    protocol_treasury_account: validators[0]?.account_id ?? 'test.near',
    fishermen_threshold: '10000000000000000000000000',
    minimum_stake_divisor: 10,
    shard_layout: { V0: { num_shards: p.numShards, version: 0 } },
    records,
  };
}
