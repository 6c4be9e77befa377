// Reads a neard home: config.json, genesis.json and the key files it names.
// Every error names the file, as neard's "Error loading config: ..." panic does.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseBootNodes, parseSocketAddr, type BootNode, type SocketAddr } from './addr.js';

export interface NeardConfig {
  /** rpc.addr exactly as written (reported back as status.rpc_addr). */
  rpcAddr: string | null;
  rpc: SocketAddr | null;
  networkAddr: SocketAddr;
  networkAddrText: string;
  bootNodes: BootNode[];
  genesisFile: string;
  nodeKeyFile: string;
  validatorKeyFile: string;
  logSummaryPeriodMs: number;
  expectedShutdown: number | null;
}

export interface GenesisValidator {
  account_id: string;
  public_key: string;
  amount: string;
}

export interface GenesisInfo {
  chainId: string;
  genesisTimeMs: number;
  genesisHeight: number;
  epochLength: number;
  protocolVersion: number;
  validators: GenesisValidator[];
  /** Raw text: the genesis hash is derived from it, so nodes sharing a genesis agree. */
  text: string;
}

type Json = Record<string, unknown>;

export function readJsonObject(path: string, what: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Failed to read ${what} from ${path}: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`Failed to deserialize ${what} from ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Failed to deserialize ${what} from ${path}: expected a JSON object`);
  }
  return value as Json;
}

function section(obj: Json, key: string, path: string): Json | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${path}: '${key}' must be an object`);
  return v as Json;
}

function str(obj: Json | null, key: string, fallback: string, path: string): string {
  const v = obj?.[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new Error(`${path}: '${key}' must be a string`);
  return v;
}

function optU64(obj: Json, key: string, path: string): number | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${path}: '${key}' must be a block height`);
  return v;
}

/** nearcore serializes std Durations as {"secs": n, "nanos": n}. */
function durationMs(obj: Json, key: string, fallbackMs: number, path: string): number {
  const v = obj[key];
  if (v === undefined) return fallbackMs;
  const d = v as Json | null;
  if (typeof d !== 'object' || d === null || typeof d['secs'] !== 'number' || typeof d['nanos'] !== 'number') {
    throw new Error(`${path}: '${key}' must be {"secs": n, "nanos": n}`);
  }
  return d['secs'] * 1000 + d['nanos'] / 1e6;
}

const resolveIn = (home: string, file: string): string => (isAbsolute(file) ? file : join(home, file));

/** config.json; like nearcore's Config, every field has a default when absent. */
export function loadConfig(home: string): NeardConfig {
  const path = join(home, 'config.json');
  const cfg = readJsonObject(path, 'config');
  try {
    const network = section(cfg, 'network', path);
    const rpc = section(cfg, 'rpc', path);
    const networkAddrText = str(network, 'addr', '0.0.0.0:24567', path);
    const rpcAddr = rpc === null && 'rpc' in cfg ? null : str(rpc, 'addr', '0.0.0.0:3030', path);
    return {
      rpcAddr,
      rpc: rpcAddr === null ? null : parseSocketAddr(rpcAddr),
      networkAddr: parseSocketAddr(networkAddrText),
      networkAddrText,
      bootNodes: parseBootNodes(str(network, 'boot_nodes', '', path)),
      genesisFile: resolveIn(home, str(cfg, 'genesis_file', 'genesis.json', path)),
      nodeKeyFile: resolveIn(home, str(cfg, 'node_key_file', 'node_key.json', path)),
      validatorKeyFile: resolveIn(home, str(cfg, 'validator_key_file', 'validator_key.json', path)),
      logSummaryPeriodMs: durationMs(cfg, 'log_summary_period', 10_000, path),
      expectedShutdown: optU64(cfg, 'expected_shutdown', path),
    };
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(msg.startsWith(path) ? msg : `${path}: ${msg}`, { cause: err });
  }
}

function parseGenesisTime(value: unknown, path: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${path}: 'genesis_time' must be an RFC 3339 timestamp`);
  return ms;
}

export function loadGenesis(path: string): GenesisInfo {
  const g = readJsonObject(path, 'genesis');
  const chainId = g['chain_id'];
  if (typeof chainId !== 'string' || chainId === '') throw new Error(`${path}: 'chain_id' must be a non-empty string`);
  const validators = g['validators'] ?? [];
  if (!Array.isArray(validators) || validators.some((v) => typeof (v as Json)?.['account_id'] !== 'string')) {
    throw new Error(`${path}: 'validators' must be a list of {account_id, public_key, amount}`);
  }
  const num = (key: string, fallback: number): number => {
    const v = g[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${path}: '${key}' must be an integer`);
    return v;
  };
  return {
    chainId,
    genesisTimeMs: g['genesis_time'] === undefined ? 0 : parseGenesisTime(g['genesis_time'], path),
    genesisHeight: num('genesis_height', 0),
    epochLength: Math.max(1, num('epoch_length', 43200)),
    protocolVersion: num('protocol_version', 0),
    validators: validators as GenesisValidator[],
    text: JSON.stringify(g),
  };
}

/** dyn_config.json (pre-2.x dynamic config): optional, may carry expected_shutdown. */
export function loadDynConfig(home: string): { expectedShutdown: number | null } | null {
  const path = join(home, 'dyn_config.json');
  try {
    readFileSync(path);
  } catch {
    return null;
  }
  const dyn = readJsonObject(path, 'dynamic config');
  return { expectedShutdown: optU64(dyn, 'expected_shutdown', path) };
}
