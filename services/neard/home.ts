/**
 * Lays out neard's home for one mode, the way kuutamod does, but without a window where a key file
 * is missing: every symlink and config.json is replaced by an atomic rename. It also takes back a
 * planned shutdown (kuutamoctl restart) before neard starts or is promoted: a neard started with
 * expected_shutdown behind its head would stop at once, and a validator must not stop in the middle of
 * its duties because of a restart that was meant for the standby it was.
 */
import { readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { NeardMode } from '../../machines/failover-events.js';
import { replaceFile } from '../atomic-file.js';
import { restorePlannedShutdown, type RestoreOutcome } from './planned-shutdown-file.js';

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


/** Set `network.addr` in config.json, keeping everything else as it is. */
export function setNetworkAddr(home: string, addr: string): void {
  const path = join(home, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as { network?: Record<string, unknown> };
  if (config.network?.addr === addr) return;
  config.network = { ...config.network, addr };
  replaceFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Hot swap: hand the running voter neard the validator key, keeping its node key and address. A planned
 * shutdown is taken back first, so the promotion's own SIGHUP reloads config.json without it.
 */
/** Where neard reads the validator key: present only while this node validates (or is being promoted). */
export const validatorKeyPathOf = (home: string): string => join(home, 'validator_key.json');

export function linkValidatorKey(layout: NeardHomeLayout): RestoreOutcome | null {
  const restored = restorePlannedShutdown(layout.home);
  replaceSymlink(layout.keys.validatorKey, validatorKeyPathOf(layout.home));
  return restored;
}

export function removeValidatorKey(layout: NeardHomeLayout): void {
  rmSync(validatorKeyPathOf(layout.home), { force: true });
}

/** Lay out the home for `mode`; returns the planned shutdown it took back, if any, for the log. */
export function prepareNeardHome(layout: NeardHomeLayout, mode: NeardMode): RestoreOutcome | null {
  const { home, keys } = layout;
  const restored = restorePlannedShutdown(home);
  if (mode === 'validator') {
    replaceSymlink(keys.validatorNodeKey, join(home, 'node_key.json'));
    replaceSymlink(keys.validatorKey, join(home, 'validator_key.json'));
    setNetworkAddr(home, layout.validatorNetworkAddr);
  } else {
    removeValidatorKey(layout);
    replaceSymlink(keys.voterNodeKey, join(home, 'node_key.json'));
    setNetworkAddr(home, layout.voterNetworkAddr);
  }
  return restored;
}
