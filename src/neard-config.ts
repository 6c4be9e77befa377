/**
 * What the supervisor needs from neard's home before it starts: config.json must parse, genesis.json
 * must exist, and `rpc.addr` tells where /status is served.
 */
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../services/error-message.js';
import { OperatorError } from './errors.js';
import { readUtf8File } from './utf8-file.js';

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

/** Does `host` mean every interface: 0.0.0.0, or :: in any spelling (0:0::0, ::0.0.0.0)? The URL parser normalises them. */
function isUnspecified(host: string): boolean {
  try {
    const { hostname } = new URL(`http://${host.includes(':') ? `[${host}]` : host}/`);
    return hostname === '0.0.0.0' || hostname === '[::]';
  } catch {
    return false;
  }
}

/** /status is asked on loopback when neard listens on every interface, else on the address it binds. */
export function statusUrlFor(rpcAddr: string): string {
  const { host, port } = splitHostPort(rpcAddr);
  const local = isUnspecified(host) ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

export function readNeardHome(home: string): NeardHomeInfo {
  const configPath = join(home, 'config.json');
  const where = `--neard-home ${home}`;
  // lstat, not exists: a symlink loop or a dangling link is there, and readUtf8File names what is wrong with it.
  let found: boolean;
  try {
    found = lstatSync(configPath, { throwIfNoEntry: false }) !== undefined;
  } catch (error) {
    // ENAMETOOLONG, ENOTDIR, EACCES on the way to the file: the home itself is wrong.
    throw new OperatorError(`${where}: cannot look up ${configPath} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}). Check --neard-home.`);
  }
  if (!found) {
    throw new OperatorError(`${where}: ${configPath} does not exist. Initialise the home with 'neard --home ${home} init' first.`);
  }
  if (!existsSync(join(home, 'genesis.json'))) {
    throw new OperatorError(`${where}: genesis.json is missing. Copy the network's genesis.json into the home.`);
  }
  const text = readUtf8File(configPath, where, configPath, 'fix or regenerate it');
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new OperatorError(`${configPath} is not valid JSON (${errorMessage(error)}). Fix or regenerate it.`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new OperatorError(`${configPath} must hold a JSON object as neard writes it. Fix or regenerate it.`);
  }
  const rpc = (config as { rpc?: unknown }).rpc;
  const rpcAddr = (typeof rpc === 'object' && rpc !== null ? (rpc as { addr?: unknown }).addr : undefined) ?? DEFAULT_RPC_ADDR;
  const fix = `Fix rpc.addr in ${configPath} (example: "0.0.0.0:3030").`;
  if (typeof rpcAddr !== 'string') throw new OperatorError(`${configPath}: rpc.addr must be a string like "0.0.0.0:3030". ${fix}`);
  let rpcUrl: string;
  try {
    rpcUrl = statusUrlFor(rpcAddr);
  } catch (error) {
    throw new OperatorError(`${configPath}: rpc.addr: ${errorMessage(error)}. ${fix}`);
  }
  if (!URL.canParse(rpcUrl)) {
    throw new OperatorError(`${configPath}: rpc.addr '${rpcAddr}' is not an address neard's /status can be asked at. ${fix}`);
  }
  return { configPath, rpcAddr, rpcUrl };
}
