/**
 * Lays out neard's home for one mode, the way kuutamod does, but without a window where a key file
 * is missing: every symlink and config.json is replaced by an atomic rename.
 */
import { readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NeardMode } from '../machines/failover-events.js';

export interface NeardKeys {
  /** Absolute path of validator_key.json (the pool's key, used only while holding the lock). */
  validatorKey: string;
  /** Absolute path of the node key the validator runs with. */
  validatorNodeKey: string;
  /** Absolute path of this machine's own node key, used while not validating. */
  voterNodeKey: string;
}

export interface NeardHomeLayout {
  home: string;
  keys: NeardKeys;
  validatorNetworkAddr: string;
  voterNetworkAddr: string;
}

/** Point `link` at `target`: symlink under a temporary name, then rename over the old entry. */
export function replaceSymlink(target: string, link: string): void {
  const temporary = `${link}.kuutamod-${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  symlinkSync(target, temporary);
  renameSync(temporary, link);
}

/** Write a file through a temporary sibling and a rename, so readers never see half a file. */
export function replaceFile(path: string, content: string): void {
  const temporary = `${path}.kuutamod-${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Set `network.addr` in config.json, keeping everything else as it is. */
export function setNetworkAddr(home: string, addr: string): void {
  const path = join(home, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as { network?: Record<string, unknown> };
  if (config.network?.addr === addr) return;
  config.network = { ...config.network, addr };
  replaceFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** Hot swap: hand the running voter neard the validator key, keeping its node key and address. */
export function linkValidatorKey(layout: NeardHomeLayout): void {
  replaceSymlink(layout.keys.validatorKey, join(layout.home, 'validator_key.json'));
}

export function removeValidatorKey(layout: NeardHomeLayout): void {
  rmSync(join(layout.home, 'validator_key.json'), { force: true });
}

export function prepareNeardHome(layout: NeardHomeLayout, mode: NeardMode): void {
  const { home, keys } = layout;
  if (mode === 'validator') {
    replaceSymlink(keys.validatorNodeKey, join(home, 'node_key.json'));
    replaceSymlink(keys.validatorKey, join(home, 'validator_key.json'));
    setNetworkAddr(home, layout.validatorNetworkAddr);
  } else {
    removeValidatorKey(layout);
    replaceSymlink(keys.voterNodeKey, join(home, 'node_key.json'));
    setNetworkAddr(home, layout.voterNetworkAddr);
  }
}
