/**
 * Pool membership in Consul: every daemon of an account publishes what `kuutamoctl list`, the /ui table,
 * the pool's rules (machines/pool-rules.ts) and switchover need to know of it under
 * `kuutamod-members/<account>/<node id>`, held by a session of its own so the record vanishes with a dead
 * node (docs/operations.md). This file is the record's one definition: its key, its shape and the check of
 * what Consul returns.
 */
import type { MemberFacts } from '../../machines/pool-rules.js';
import type { ConsulClient } from '../consul/client.js';
import { parseCheckedRecord } from '../json-object.js';
import { FAILSAFE_FIELD_TYPES, withFailsafeDefaults, type FailsafeFields } from './member-failsafe.js';
import { HOT_SWAP_FIELD_TYPES, withHotSwapDefaults, type HotSwapFields } from './member-hot-swap.js';
import { PRODUCTION_FIELD_TYPES, withProductionDefaults, type ProductionFields } from './member-production.js';

export const MEMBERS_PREFIX = 'kuutamod-members';

export const membersPrefixOf = (accountId: string): string => `${MEMBERS_PREFIX}/${accountId}/`;
export const memberKeyOf = (accountId: string, nodeId: string): string => `${membersPrefixOf(accountId)}${nodeId}`;

/** Extends MemberFacts so a record is what the pool's rules read, checked by the compiler. */
export interface MemberRecord extends MemberFacts, HotSwapFields, ProductionFields, FailsafeFields {
  nodeId: string;
  accountId: string;
  /** One of kuutamod's six states, and the path to the active leaf (stateNamesOf). */
  state: string;
  detail: string;
  holdsLock: boolean;
  /** neard's head height and sync flag from its last /status answer (null: none yet). */
  height: number | null;
  /** Blocks per second neard's head advanced over the last minute (null: not known yet); projects `height` to a later time. */
  headRate: number | null;
  syncing: boolean | null;
  /** Wall-clock ms of the send time of the last successful session renewal (null: no session). */
  lastRenewalAt: number | null;
  /** kuutamod's package version, and neard's `version.version` if known. */
  version: string;
  neardVersion: string | null;
  /** Would contend for the lock now (eligibilityOf in machines/pool-rules.ts); `ineligibleReason` says why not. */
  eligible: boolean;
  ineligibleReason: string | null;
  noFailover: boolean;
  failoverPriority: number;
  /** Wall-clock ms when this record was written. */
  publishedAt: number;
}

const FIELD_TYPES: Record<keyof MemberRecord, (value: unknown) => boolean> = {
  ...HOT_SWAP_FIELD_TYPES,
  ...PRODUCTION_FIELD_TYPES,
  ...FAILSAFE_FIELD_TYPES,
  nodeId: (v) => typeof v === 'string',
  accountId: (v) => typeof v === 'string',
  state: (v) => typeof v === 'string',
  detail: (v) => typeof v === 'string',
  holdsLock: (v) => typeof v === 'boolean',
  height: (v) => v === null || (typeof v === 'number' && Number.isSafeInteger(v)),
  headRate: (v) => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0),
  syncing: (v) => v === null || typeof v === 'boolean',
  lastRenewalAt: (v) => v === null || typeof v === 'number',
  version: (v) => typeof v === 'string',
  neardVersion: (v) => v === null || typeof v === 'string',
  eligible: (v) => typeof v === 'boolean',
  ineligibleReason: (v) => v === null || typeof v === 'string',
  noFailover: (v) => typeof v === 'boolean',
  failoverPriority: (v) => typeof v === 'number' && Number.isFinite(v),
  publishedAt: (v) => typeof v === 'number',
};

/** A record's value as written by a daemon, or an Error naming the key and the wrong field. */
export function parseMemberRecord(key: string, text: string | null): MemberRecord {
  return withFailsafeDefaults(withProductionDefaults(withHotSwapDefaults(parseCheckedRecord<MemberRecord>(key, text, FIELD_TYPES))));
}

export interface MemberList {
  members: MemberRecord[];
  /** Records that could not be read (another version, a hand edit): named, never fatal. */
  unreadable: string[];
}

/** Every member of the account now published in Consul, sorted by node id. */
export async function readMembers(consul: ConsulClient, accountId: string): Promise<MemberList> {
  const records = await consul.listRecords(membersPrefixOf(accountId));
  const members: MemberRecord[] = [];
  const unreadable: string[] = [];
  for (const record of records) {
    try {
      members.push(parseMemberRecord(record.Key, record.Value));
    } catch (error) {
      unreadable.push((error as Error).message);
    }
  }
  members.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  return { members, unreadable };
}
