/**
 * Can this node's neard produce chunks for `accountId` right after a hot swap (the SIGHUP that loads
 * validator_key.json)? Only if it already tracks the shards that account produces chunks for: a node that
 * tracks none has no state to build chunks on, and gets it only by state sync at the next epoch. This reads
 * the parsed config.json as neard does (nearcore's TrackedShardsConfig): `tracked_shards_config` when set,
 * else the deprecated fields in neard's order (a non-empty `tracked_shards` means all shards, then
 * `tracked_shard_schedule`, `tracked_shadow_validator`, `tracked_accounts`). Pure: no file, no neard.
 */
import { isJsonObject, type JsonObject } from '../json-object.js';

/** ready: tracks the shards (all, or those of this account, or some: see `caveat`); unknown: a shape we cannot read. */
export type HotSwapVerdict = 'ready' | 'not-ready' | 'unknown';

export interface TrackedShardsReadiness {
  verdict: HotSwapVerdict;
  /** What config.json tracks, in words: "all shards", "no shards", "the shards of x.near", "shards s0.v3". */
  tracks: string;
  /** Ready, but only under a condition (some shards only, a schedule, memtries off); null when there is none. */
  caveat: string | null;
  /** One line for the operator: the key and its value, and unless plainly ready what to set. */
  message: string;
}

const NEW_KEY = 'tracked_shards_config';
/** neard's precedence among the deprecated keys (TrackedShardsConfig::from_deprecated_config_values). */
const LEGACY_KEYS = ['tracked_shards', 'tracked_shard_schedule', 'tracked_shadow_validator', 'tracked_accounts'] as const;

const MAX_VALUE_LENGTH = 120;

/** A config value as the operator would find it in the file, cut short if long. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}...` : text;
}

const isStringArray = (value: unknown[]): value is string[] => value.every((item) => typeof item === 'string');
const isShardIdArray = (value: unknown[]): value is number[] => value.every((item) => Number.isSafeInteger(item) && (item as number) >= 0);

/** A ShardUId as neard accepts it in config.json: "s0.v3", or the older map {shard_id, version}. */
function shardUIdText(value: unknown): string | null {
  if (typeof value === 'string') return /^s\d+\.v\d+$/.test(value) ? value : null;
  if (isJsonObject(value) && Number.isSafeInteger(value['shard_id']) && Number.isSafeInteger(value['version'])) {
    return `s${String(value['shard_id'])}.v${String(value['version'])}`;
  }
  return null;
}

/** What to set, for `accountId`; `legacyOnly` adds the form a neard without tracked_shards_config reads. */
function fixFor(accountId: string, legacyOnly: boolean): string {
  const fix = `set "${NEW_KEY}": {"ShadowValidator": "${accountId}"} (or "AllShards")`;
  if (!legacyOnly) return fix;
  return `${fix}; a neard that predates ${NEW_KEY} reads "tracked_shadow_validator": "${accountId}" with "store": {"load_mem_tries_for_tracked_shards": true}`;
}

interface Decided {
  key: string;
  value: unknown;
  verdict: HotSwapVerdict;
  tracks: string;
  /** How neard reads the value, when that is not plain (a legacy list that means all shards). */
  note?: string;
  /** Ready only on this condition: some shards only, or a schedule. */
  condition?: string;
}

const SOME_SHARDS = (accountId: string) => `ready only while these include the shards ${accountId} produces chunks for`;
const SCHEDULE = (accountId: string) => `ready only in epochs whose set includes the shards ${accountId} produces chunks for`;

/** The tracked_shards_config value, as nearcore's TrackedShardsConfig deserializes it. */
function fromNewKey(value: unknown, accountId: string): Decided {
  const decided = (verdict: HotSwapVerdict, tracks: string, condition?: string): Decided => ({ key: NEW_KEY, value, verdict, tracks, condition });
  if (value === 'AllShards') return decided('ready', 'all shards');
  if (value === 'NoShards') return decided('not-ready', 'no shards');
  if (!isJsonObject(value) || Object.keys(value).length !== 1) return decided('unknown', 'unknown shards');
  const [variant, inner] = Object.entries(value)[0]!;
  switch (variant) {
    case 'ShadowValidator':
      if (typeof inner !== 'string') break;
      return inner === accountId ? decided('ready', `the shards of ${accountId}`) : decided('not-ready', `the shards of ${inner}, not ${accountId}`);
    case 'Shards': {
      if (!Array.isArray(inner)) break;
      if (inner.length === 0) return decided('not-ready', 'no shards');
      const shards = inner.map(shardUIdText);
      if (shards.some((shard) => shard === null)) break;
      return decided('ready', `shards ${shards.join(', ')} only`, SOME_SHARDS(accountId));
    }
    case 'Schedule':
      if (!Array.isArray(inner) || !inner.every((set) => Array.isArray(set) && isShardIdArray(set))) break;
      if (inner.length === 0) return decided('not-ready', 'no shards');
      return decided('ready', 'a schedule of shard sets', SCHEDULE(accountId));
    case 'Accounts':
      if (!Array.isArray(inner) || !isStringArray(inner)) break;
      if (inner.length === 0) return decided('not-ready', 'no shards');
      return decided('ready', `the shards holding ${inner.join(', ')}`, SOME_SHARDS(accountId));
  }
  return decided('unknown', 'unknown shards');
}

/** The deprecated keys, in neard's order: the first one set decides. */
function fromLegacyKeys(config: JsonObject, accountId: string): Decided {
  for (const key of LEGACY_KEYS) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    const decided = (verdict: HotSwapVerdict, tracks: string, condition?: string): Decided => ({ key, value, verdict, tracks, condition });
    switch (key) {
      case 'tracked_shards':
        if (!Array.isArray(value) || !isShardIdArray(value)) return decided('unknown', 'unknown shards');
        if (value.length > 0) return { ...decided('ready', 'all shards'), note: 'any non-empty list means all shards' };
        continue;
      case 'tracked_shard_schedule':
        if (!Array.isArray(value) || !value.every((set) => Array.isArray(set) && isShardIdArray(set))) return decided('unknown', 'unknown shards');
        if (value.length > 0) return decided('ready', 'a schedule of shard sets', SCHEDULE(accountId));
        continue;
      case 'tracked_shadow_validator':
        if (typeof value !== 'string') return decided('unknown', 'unknown shards');
        return value === accountId ? decided('ready', `the shards of ${accountId}`) : decided('not-ready', `the shards of ${value}, not ${accountId}`);
      case 'tracked_accounts':
        if (!Array.isArray(value) || !isStringArray(value)) return decided('unknown', 'unknown shards');
        if (value.length > 0) return decided('ready', `the shards holding ${value.join(', ')}`, SOME_SHARDS(accountId));
        continue;
    }
  }
  return { key: '', value: undefined, verdict: 'not-ready', tracks: 'no shards' };
}

/** Shadowing with memtries off: nearcore's failover setup loads the shadowed shards' memtries, so chunks come in time. */
function memtriesOff(config: JsonObject): boolean {
  const store = config['store'];
  return isJsonObject(store) && store['load_mem_tries_for_tracked_shards'] === false;
}

/** Readiness of the node whose parsed config.json is `config` to take over `accountId`'s chunk production by a hot swap. */
export function trackedShardsReadiness(config: JsonObject, accountId: string): TrackedShardsReadiness {
  const hasNewKey = config[NEW_KEY] !== undefined && config[NEW_KEY] !== null;
  const decided = hasNewKey ? fromNewKey(config[NEW_KEY], accountId) : fromLegacyKeys(config, accountId);
  const value = decided.key === '' ? `no ${NEW_KEY}, and ${LEGACY_KEYS.join(', ')} are empty or unset` : `${decided.key} is ${shown(decided.value)}`;
  const setting = decided.note === undefined ? value : `${value}: ${decided.note}`;
  const fix = fixFor(accountId, !hasNewKey);
  const { verdict, tracks } = decided;
  if (verdict === 'not-ready') {
    return { verdict, tracks, caveat: null, message: `config.json tracks ${tracks} (${setting}): a hot-swap standby cannot produce chunks for ${accountId} after the SIGHUP; ${fix}` };
  }
  if (verdict === 'unknown') {
    const message = `cannot tell which shards config.json tracks (${setting}, a shape this kuutamod does not know): make sure it tracks ${accountId}'s shards, e.g. ${fix.replace(/^set /, '')}`;
    return { verdict, tracks, caveat: null, message };
  }
  let caveat: string | null = null;
  let advice = '';
  if (decided.condition !== undefined) {
    caveat = decided.condition;
    advice = `; to follow them wherever they move, ${fix}`;
  } else if (tracks === `the shards of ${accountId}` && memtriesOff(config)) {
    caveat = 'store.load_mem_tries_for_tracked_shards is false, while nearcore\'s failover setup loads the shadowed shards\' memtries so the first chunks come in time';
    advice = '; set it to true';
  }
  return { verdict, tracks, caveat, message: `config.json tracks ${tracks} (${setting}): ${caveat ?? 'ready for a hot swap'}${advice}` };
}
