// StatusResponse with nearcore 2.x field names (core/primitives/src/views.rs).
import { Chain, isoNanos } from './chain.js';
import type { OwnView } from './own-view.js';
import { NEARD_BUILD, NEARD_COMMIT, NEARD_VERSION, PROTOCOL_VERSION, RUSTC_VERSION } from './version.js';

export interface StatusSyncInfo {
  latest_block_hash: string;
  latest_block_height: number;
  latest_state_root: string;
  latest_block_time: string;
  syncing: boolean;
  earliest_block_hash: string | null;
  earliest_block_height: number | null;
  earliest_block_time: string | null;
  epoch_id: string | null;
  epoch_start_height: number | null;
}

export interface StatusResponse {
  version: { version: string; build: string; commit: string; rustc_version: string };
  chain_id: string;
  protocol_version: number;
  latest_protocol_version: number;
  /** Omitted (not null) when RPC is disabled, like serde's skip_serializing_if. */
  rpc_addr?: string;
  validators: { account_id: string }[];
  sync_info: StatusSyncInfo;
  validator_account_id: string | null;
  validator_public_key: string | null;
  node_public_key: string;
  /** Deprecated in nearcore; equals validator_public_key. */
  node_key: string | null;
  uptime_sec: number;
  genesis_hash: string;
  // detailed_debug_status is skip_serializing_if = None in nearcore: absent, not null.
}

/** The parts of a running node's state that the status reflects. */
export interface NodeView {
  chain: Chain;
  rpcAddr: string | null;
  nodePublicKey: string;
  validator: { accountId: string; publicKey: string } | null;
  startedAtMs: number;
  syncedAtMs: number;
}

/** `own`: the node's head and sync state right now (own-view.ts). */
export function buildStatus(node: NodeView, own: Pick<OwnView, 'head' | 'syncing'>, nowMs: number = Date.now()): StatusResponse {
  const { chain } = node;
  const height = own.head;
  const head = chain.block(height);
  const earliest = chain.block(chain.genesis.genesisHeight);
  const epoch = chain.epochOf(height);
  const status: StatusResponse = {
    version: { version: NEARD_VERSION, build: NEARD_BUILD, commit: NEARD_COMMIT, rustc_version: RUSTC_VERSION },
    chain_id: chain.genesis.chainId,
    protocol_version: chain.genesis.protocolVersion || PROTOCOL_VERSION,
    latest_protocol_version: PROTOCOL_VERSION,
    ...(node.rpcAddr !== null ? { rpc_addr: node.rpcAddr } : {}),
    validators: chain.genesis.validators.map((v) => ({ account_id: v.account_id })),
    sync_info: {
      latest_block_hash: head.hash,
      latest_block_height: head.height,
      latest_state_root: chain.stateRoot(head.height),
      latest_block_time: isoNanos(head.timeMs),
      syncing: own.syncing,
      earliest_block_hash: earliest.hash,
      earliest_block_height: earliest.height,
      earliest_block_time: isoNanos(earliest.timeMs),
      epoch_id: epoch.id,
      epoch_start_height: epoch.startHeight,
    },
    validator_account_id: node.validator?.accountId ?? null,
    validator_public_key: node.validator?.publicKey ?? null,
    node_public_key: node.nodePublicKey,
    node_key: node.validator?.publicKey ?? null,
    uptime_sec: Math.floor((nowMs - node.startedAtMs) / 1000),
    genesis_hash: chain.genesisHash,
  };
  return status;
}
