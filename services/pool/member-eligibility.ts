/**
 * The eligibility rule of issue 8, one pure function shared by the daemon (its own record and the
 * ELIGIBILITY fact it reports to the chart) and kuutamoctl list / the /ui table (every member's column):
 * a node may take the lock only when it is in Voting or Validating, its neard is synced, it was not started
 * with --no-failover, and its head is within --max-lag-blocks of the best head among the published members.
 */
import type { MemberRecord } from './member-record.js';

export interface EligibilityRule {
  /** --max-lag-blocks: how far behind the best head a standby may be and still contend. */
  maxLagBlocks: number;
}

/** The fields of a member the rule reads. */
export type EligibilityInput = Pick<MemberRecord, 'state' | 'syncing' | 'height' | 'noFailover'>;

export interface Eligibility {
  eligible: boolean;
  /** Why not, in words for `kuutamoctl list` and the log (null when eligible). */
  reason: string | null;
}

/**
 * A member's head projected to `now` at its own observed rate: records are up to one publish interval old,
 * and heads read at different times cannot be compared raw (at ~1 block/s, 15 s is 15 blocks of "lag").
 * Without a rate (not known yet) the head is taken as published; a stalled neard's rate is 0.
 */
export function projectedHeight(member: Pick<MemberRecord, 'height' | 'headRate' | 'publishedAt'>, now: number): number | null {
  if (member.height === null || member.headRate === null) return member.height;
  return member.height + Math.floor((member.headRate * Math.max(0, now - member.publishedAt)) / 1_000);
}

/** The highest head among the members, each projected to `now` (null: none knows one). */
export function bestHeadOf(members: readonly Pick<MemberRecord, 'height' | 'headRate' | 'publishedAt'>[], now: number): number | null {
  const heights = members.map((m) => projectedHeight(m, now)).filter((h): h is number => h !== null);
  return heights.length === 0 ? null : Math.max(...heights);
}

/** Blocks behind the best head (null when either is unknown). */
export function lagOf(member: Pick<MemberRecord, 'height'>, bestHead: number | null): number | null {
  return member.height === null || bestHead === null ? null : Math.max(0, bestHead - member.height);
}

/** Whether this member could take the lock now, judged against the pool's best head. */
export function eligibilityOf(member: EligibilityInput, bestHead: number | null, rule: EligibilityRule): Eligibility {
  if (member.noFailover) return { eligible: false, reason: 'started with --no-failover' };
  if (member.state !== 'Voting' && member.state !== 'Validating') return { eligible: false, reason: `in ${member.state}, not Voting` };
  if (member.syncing !== false) return { eligible: false, reason: 'neard is syncing' };
  const lag = lagOf(member, bestHead);
  if (lag === null) return { eligible: false, reason: 'no head height known' };
  if (lag > rule.maxLagBlocks) return { eligible: false, reason: `${lag} blocks behind the best head (more than --max-lag-blocks ${rule.maxLagBlocks})` };
  return { eligible: true, reason: null };
}

/** This node as the pool reader judges it. */
export type PoolSelf = EligibilityInput & Pick<MemberRecord, 'nodeId' | 'failoverPriority'>;

/** What the pool reader reports to the chart (the ELIGIBILITY fact, machines/failover-events.ts). */
export interface PoolEligibility extends Eligibility {
  eligibleOthers: number;
  outrankedBy: string | null;
}

/**
 * This node judged against the pool's live records (`isLive`: published recently enough to trust; a dead
 * node's record can linger up to 2 x TTL). Only standbys (Voting) count as others that could take over: the
 * leader cannot take over from itself. Their eligibility is their own published judgement.
 */
export function judgePool(self: PoolSelf, members: readonly MemberRecord[], rule: EligibilityRule, isLive: (member: MemberRecord) => boolean, now: number): PoolEligibility {
  const live = members.filter((m) => m.nodeId !== self.nodeId && isLive(m));
  // This node's own head is current: only the others' are projected.
  const others = bestHeadOf(live, now);
  const bestHead = others === null || (self.height !== null && self.height > others) ? self.height : others;
  const own = eligibilityOf(self, bestHead, rule);
  const standbys = live.filter((m) => m.state === 'Voting' && m.eligible);
  const higher = standbys.filter((m) => m.failoverPriority > self.failoverPriority).sort((a, b) => b.failoverPriority - a.failoverPriority || a.nodeId.localeCompare(b.nodeId));
  return { ...own, eligibleOthers: standbys.length, outrankedBy: higher[0]?.nodeId ?? null };
}
