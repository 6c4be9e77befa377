/**
 * The pool at a glance, read from Consul: every published member record of an account, the node the lock
 * key names as holder (the truth for "holds lock": a record can be stale by up to one publish interval),
 * each member's head and its lag behind the best head, all projected to the moment of the read
 * (machines/pool-rules.ts) so the two columns agree, and the ages of its last renewal and publish.
 * `kuutamoctl list` (--json prints this object) and the /ui table both read it.
 */
import { bestHead, lagOf, projectedHeight } from '../machines/pool-rules.js';
import type { ConsulClient } from '../services/consul/client.js';
import { readMembers, type MemberList, type MemberRecord } from '../services/pool/member-record.js';
import { findActiveValidator } from './active-validator.js';

export interface PoolMember extends MemberRecord {
  /** The record's `height` projected to the read at its `headRate` (null: unknown): what the table shows. */
  head: number | null;
  /** Blocks `head` is behind the view's `bestHead` (null: unknown). */
  lag: number | null;
  /** This node's election session holds the lock key now. */
  lockHolder: boolean;
  /** The record's holdsLock disagrees with the lock key: it was written before the last change. */
  staleLock: boolean;
}

export interface PoolView {
  accountId: string;
  /** The highest of the members' heads, projected to the read. */
  bestHead: number | null;
  /** Node id (the session's Name) of the lock holder, null when the lock is free. */
  lockHolder: string | null;
  members: PoolMember[];
  /** Records that could not be read, each named with its key. */
  unreadable: string[];
  /** Wall-clock ms of the read. */
  readAt: number;
}

/** Who holds the leader lock, as `kuutamoctl active-validator` finds it: the session's Name is the node id. */
async function lockHolderOf(consul: ConsulClient, accountId: string): Promise<string | null> {
  const answer = await findActiveValidator(consul, accountId);
  return answer.kind === 'found' ? answer.session.Name : null;
}

export async function readPoolView(consul: ConsulClient, accountId: string, now: () => number = Date.now): Promise<PoolView> {
  const [list, lockHolder] = await Promise.all([readMembers(consul, accountId), lockHolderOf(consul, accountId)]);
  return poolViewOf(accountId, list, lockHolder, now());
}

/** The view of what was read at `readAt`: every head and lag projected to that moment. */
export function poolViewOf(accountId: string, { members, unreadable }: MemberList, lockHolder: string | null, readAt: number): PoolView {
  const best = bestHead(members, readAt);
  return {
    accountId,
    bestHead: best,
    lockHolder,
    members: members.map((member) => {
      const holds = member.nodeId === lockHolder;
      return { ...member, head: projectedHeight(member, readAt), lag: lagOf(member, best, readAt), lockHolder: holds, staleLock: holds !== member.holdsLock };
    }),
    unreadable,
    readAt,
  };
}
