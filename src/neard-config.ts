/**
 * What the supervisor needs from neard's home before it starts: config.json must parse, genesis.json
 * must exist, and `rpc.addr` tells where /status is served.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../services/error-message.js';
import { OperatorError } from './errors.js';

export const DEFAULT_RPC_ADDR = '0.0.0.0:3030';

export interface NeardHomeInfo {
  configPath: string;
  rpcAddr: string;
  /** Where the supervisor queries /status. */
  rpcUrl: string;
}

/** Split `host:port` or `[v6]:port`. */
export function splitHostPort(addr: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(addr.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`'${addr}' is not an address of the form host:port`);
  return { host: match[1] ?? match[2]!, port };
}

/** /status is asked on loopback when neard listens on every interface, else on the address it binds. */
export function statusUrlFor(rpcAddr: string): string {
  const { host, port } = splitHostPort(rpcAddr);
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

export function readNeardHome(home: string): NeardHomeInfo {
  const configPath = join(home, 'config.json');
  if (!existsSync(configPath)) {
    throw new OperatorError(`--neard-home ${home}: ${configPath} does not exist. Initialise the home with 'neard --home ${home} init' first.`);
  }
  if (!existsSync(join(home, 'genesis.json'))) {
    throw new OperatorError(`--neard-home ${home}: genesis.json is missing. Copy the network's genesis.json into the home.`);
  }
  let config: { rpc?: { addr?: unknown }; network?: unknown };
  try {
    // Checked to be an object just below; its fields are read as unknown and checked where used.
    config = JSON.parse(readFileSync(configPath, 'utf8')) as typeof config;
  } catch (error) {
    throw new OperatorError(`${configPath} is not valid JSON (${errorMessage(error)}). Fix or regenerate it.`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new OperatorError(`${configPath} must hold a JSON object as neard writes it.`);
  }
  const rpcAddr = config.rpc?.addr ?? DEFAULT_RPC_ADDR;
  if (typeof rpcAddr !== 'string') throw new OperatorError(`${configPath}: rpc.addr must be a string like "0.0.0.0:3030".`);
  try {
    return { configPath, rpcAddr, rpcUrl: statusUrlFor(rpcAddr) };
  } catch (error) {
    throw new OperatorError(`${configPath}: rpc.addr: ${errorMessage(error)}.`);
  }
}
