/**
 * The neard homes, laid out as in kuutamod's tutorial: `neard localnet` makes node0..node3 (one
 * genesis, four validators); kuutamod0 and kuutamod1 get node3's config.json and genesis.json and
 * a voter node key of their own, while node3's validator key and node key become the pool's keys
 * that the two kuutamods share. Created once (keys must not change under a running setup); the
 * listening ports are re-checked on every setup and moved if something else took them.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { objectField, patchJsonObjectFile, readJsonObjectFile, stringField } from '../services/json-object.js';
import { generateNearKey, writeKeyFile } from '../src/cli/generate-key.js';
import type { PortPicker } from './free-ports.js';
import type { NeardChoice, NeardKind } from './neard-choice.js';
import { REPO_ROOT, type Layout } from './paths.js';

export const VALIDATORS = ['node0', 'node1', 'node2', 'node3'] as const;
/** The ordinary nodes that run; node3's keys belong to the kuutamods. */
export const RUNNING_NODES = ['node0', 'node1', 'node2'] as const;
export const KUUTAMODS = ['kuutamod0', 'kuutamod1'] as const;
/** node3's keys: the validator the kuutamods fail over. */
export const POOL_HOME = 'node3';

interface Meta {
  neardKind: NeardKind;
  neardVersion: string;
  createdAt: string;
}

const writeJson = (path: string, value: unknown): void => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
const metaFile = (l: Layout): string => join(l.localnetDir, 'localnet-meta.json');

function createHomes(l: Layout, neard: NeardChoice): void {
  // Built beside the final place and renamed into it: a failed setup leaves no half localnet.
  const tmp = `${l.localnetDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const made = spawnSync(neard.bin, ['--home', tmp, 'localnet', '--v', String(VALIDATORS.length)], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (made.status !== 0) {
      throw new Error(`'${neard.bin} --home ${tmp} localnet' failed (exit ${made.status}):\n${made.stderr}${made.stdout}`);
    }
    for (const name of KUUTAMODS) {
      const home = join(tmp, name);
      mkdirSync(home);
      copyFileSync(join(tmp, POOL_HOME, 'config.json'), join(home, 'config.json'));
      copyFileSync(join(tmp, POOL_HOME, 'genesis.json'), join(home, 'genesis.json'));
      // A free RPC port is picked by assignPorts; kuutamod sets network.addr itself.
      const configFile = join(home, 'config.json');
      patchJsonObjectFile(configFile, (config) => {
        config['rpc'] = { ...objectField(config, 'rpc', configFile), addr: '127.0.0.1:0' };
      });
      writeKeyFile(join(home, 'voter_node_key.json'), generateNearKey('node'));
    }
    const meta: Meta = { neardKind: neard.kind, neardVersion: neard.version, createdAt: new Date().toISOString() };
    writeJson(join(tmp, 'localnet-meta.json'), meta);
    renameSync(tmp, l.localnetDir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Create the homes if missing; refuse homes made by the other kind of neard. Returns true if created. */
export function ensureHomes(l: Layout, neard: NeardChoice): boolean {
  if (existsSync(metaFile(l))) {
    const metaJson = readJsonObjectFile(metaFile(l));
    const meta = { neardKind: stringField(metaJson, 'neardKind', metaFile(l)), neardVersion: stringField(metaJson, 'neardVersion', metaFile(l)) };
    if (meta.neardKind !== neard.kind) {
      throw new Error(
        `${l.localnetDir} was created for the ${meta.neardKind} neard (${meta.neardVersion}) but this run uses the ${neard.kind} one. ` +
          `Remove ${l.dataDir} (npm run localnet:clean) to create it anew, or set LOCALNET_NEARD.`,
      );
    }
    return false;
  }
  if (existsSync(l.localnetDir)) {
    throw new Error(`${l.localnetDir} exists but was not made by this setup (no localnet-meta.json); remove it and run again.`);
  }
  const parent = dirname(l.localnetDir);
  mkdirSync(parent, { recursive: true });
  // A setup interrupted by Ctrl-C leaves its half-made temp dir behind.
  for (const entry of readdirSync(parent)) {
    if (entry.startsWith(`${basename(l.localnetDir)}.tmp-`)) rmSync(join(parent, entry), { recursive: true, force: true });
  }
  createHomes(l, neard);
  return true;
}

function splitAddr(addr: string): { host: string; port: number } {
  const at = addr.lastIndexOf(':');
  return { host: addr.slice(0, at), port: Number(addr.slice(at + 1)) };
}

/** Keep each configured port if it is free, else move it; returns the home's addresses. */
async function assignHomePorts(configFile: string, picker: PortPicker, fields: ('network' | 'rpc')[]): Promise<Record<string, string>> {
  const config = readJsonObjectFile(configFile);
  const out: Record<string, string> = {};
  let changed = false;
  for (const field of fields) {
    const section = objectField(config, field, configFile);
    const { host, port } = splitAddr(stringField(section, 'addr', `${configFile}: ${field}`));
    const chosen = await picker.keepOrPick(port);
    const addr = `${host}:${chosen}`;
    if (chosen !== port) {
      section['addr'] = addr;
      changed = true;
    }
    out[field] = addr;
  }
  if (changed) writeJson(configFile, config);
  return out;
}

export interface NodeAddresses {
  /** node0's `<public key>@<network addr>`, the boot node of everyone else. */
  bootNodes: string;
  rpc: Record<string, string>;
}

export async function assignPorts(l: Layout, picker: PortPicker): Promise<NodeAddresses> {
  const rpc: Record<string, string> = {};
  let bootAddr = '';
  for (const name of RUNNING_NODES) {
    const addrs = await assignHomePorts(join(l.home(name), 'config.json'), picker, ['network', 'rpc']);
    rpc[name] = addrs['rpc'] ?? '';
    if (name === 'node0') bootAddr = addrs['network'] ?? '';
  }
  for (const name of KUUTAMODS) {
    rpc[name] = (await assignHomePorts(join(l.home(name), 'config.json'), picker, ['rpc']))['rpc'] ?? '';
  }
  const nodeKeyFile = join(l.home('node0'), 'node_key.json');
  const bootKey = stringField(readJsonObjectFile(nodeKeyFile), 'public_key', nodeKeyFile);
  return { bootNodes: `${bootKey}@${bootAddr}`, rpc };
}
