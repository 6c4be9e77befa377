/**
 * The pool's rules, one policy each, as pure functions of what the members publish (issue 19): how heads
 * read at different times compare (projection, lag), who could take the lock now (eligibility), what a
 * standby tells its chart about the others (judgePool, the ELIGIBILITY fact) and which standby a switchover
 * hands the role to (pickCandidate, built on eligibility). The daemon, `kuutamoctl list`, /ui and the
 * switchover route all ask here, so they cannot disagree. Which window a planned stop goes in: window-rules.ts.
 *
 * The input types are structural: services/pool/member-record.ts's MemberRecord satisfies them.
 */
import type { MembershipEvent } from './failover-events.js';

/** A head as a member published it: `height` at wall-clock `publishedAt`, advancing at `headRate` blocks/s. */
export interface HeadReading {
  height: number | null;
  /** null: not known yet; 0: a stalled neard. */
  headRate: number | null;
  publishedAt: number;
}

/**
 * A head projected to `now` at its own observed rate: records are up to one publish interval old, and
 * heads read at different times cannot be compared raw (at ~1 block/s, 15 s is 15 blocks of "lag").
 * Without a rate (not known yet) the head is taken as published.
 */
export function projectedHeight(reading: HeadReading, now: number): number | null {
  if (reading.height === null || reading.headRate === null) return reading.height;
  return reading.height + Math.floor((reading.headRate * Math.max(0, now - reading.publishedAt)) / 1_000);
}

/** This node's own head as the daemon reads it: current, so already "now" and never projected. */
export const currentHead = (height: number | null, now: number): HeadReading => ({ height, headRate: null, publishedAt: now });

const higherOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** The highest head among the readings, each projected to `now` (null: none knows one). */
export function bestHead(readings: readonly HeadReading[], now: number): number | null {
  return readings.reduce<number | null>((best, reading) => higherOf(best, projectedHeight(reading, now)), null);
}

/**
 * Blocks a head is behind `best`, both at `now`: `best` must be bestHead(..., now) of the same moment
 * (null when either is unknown).
 */
export function lagOf(reading: HeadReading, best: number | null, now: number): number | null {
  const head = projectedHeight(reading, now);
  return head === null || best === null ? null : Math.max(0, best - head);
}

export interface EligibilityRule {
  /** --max-lag-blocks: how far behind the best head a member may be and still take the lock. */
  maxLagBlocks: number;
}

/** What the eligibility policy reads of a member. */
export interface EligibilityFacts extends HeadReading {
  /** One of kuutamod's six states (stateNamesOf in failover.ts). */
  state: string;
  syncing: boolean | null;
  noFailover: boolean;
}

export interface Eligibility {
  eligible: boolean;
  /** Why not, in words for `kuutamoctl list`, the log and a switchover refusal (null when eligible). */
  reason: string | null;
}

/**
 * The policy: could this member take the lock now? Not started with --no-failover, in Voting or Validating,
 * neard synced, and its head, projected to `now`, within --max-lag-blocks of `best` (the pool's best head
 * at the same `now`).
 */
export function eligibilityOf(member: EligibilityFacts, best: number | null, rule: EligibilityRule, now: number): Eligibility {
  if (member.noFailover) return { eligible: false, reason: 'started with --no-failover' };
  if (member.state !== 'Voting' && member.state !== 'Validating') return { eligible: false, reason: `in ${member.state}, not Voting` };
  if (member.syncing !== false) return { eligible: false, reason: 'neard is syncing' };
  const lag = lagOf(member, best, now);
  if (lag === null) return { eligible: false, reason: 'no head height known' };
  if (lag > rule.maxLagBlocks) return { eligible: false, reason: `${lag} blocks behind the best head (more than --max-lag-blocks ${rule.maxLagBlocks})` };
  return { eligible: true, reason: null };
}

/** This node as the daemon knows it: its own facts, its head current. */
export interface SelfFacts {
  nodeId: string;
  failoverPriority: number;
  state: string;
  syncing: boolean | null;
  height: number | null;
  noFailover: boolean;
  /** Why this node is benched after losing the role for not producing (issue 17), null or absent: it is not. */
  benched?: string | null;
}

/**
 * This node judged by the policy against `othersBest`, the best of the other live members' heads projected
 * to `now` (null: none known). Its own head is current and counts towards the best head too.
 */
export function selfEligibility(self: Omit<SelfFacts, 'nodeId' | 'failoverPriority'>, othersBest: number | null, rule: EligibilityRule, now: number): Eligibility {
  if (self.benched != null) return { eligible: false, reason: self.benched };
  return eligibilityOf({ ...self, ...currentHead(self.height, now) }, higherOf(self.height, othersBest), rule, now);
}

/** A member as the pool rules see it: the policy's facts, its rank and its own published judgement. */
export interface MemberFacts extends EligibilityFacts {
  nodeId: string;
  failoverPriority: number;
  /** The member's own judgement by the policy, as it last published it. */
  eligible: boolean;
}

type Ranked = HeadReading & Pick<MemberFacts, 'nodeId' | 'failoverPriority'>;

/**
 * The one order of standbys, best first: the higher --failover-priority, then the higher head projected to
 * `now` (an unknown head last), then the node id, so every node and tool ranks a pool alike.
 */
export function byRank(now: number): (a: Ranked, b: Ranked) => number {
  return (a, b) => b.failoverPriority - a.failoverPriority || (projectedHeight(b, now) ?? -1) - (projectedHeight(a, now) ?? -1) || a.nodeId.localeCompare(b.nodeId);
}

/** What the daemon reports to the chart after each read of the pool (the ELIGIBILITY fact). */
export type PoolEligibility = Omit<MembershipEvent, 'type'>;

/**
 * This node judged against the pool's live records (`isLive`: published recently enough to trust; a dead
 * node's record can linger up to 2 x TTL). The others that could take over are live eligible standbys
 * (Voting: the leader cannot take over from itself); their eligibility is their own published judgement,
 * the one each of them acts on (--max-lag-blocks may differ between nodes). `outrankedBy` is the first of
 * those with a higher --failover-priority, in rank order.
 */
export function judgePool<M extends MemberFacts>(self: SelfFacts, members: readonly M[], rule: EligibilityRule, isLive: (member: M) => boolean, now: number): PoolEligibility {
  const live = members.filter((m) => m.nodeId !== self.nodeId && isLive(m));
  const own = selfEligibility(self, bestHead(live, now), rule, now);
  const standbys = live.filter((m) => m.state === 'Voting' && m.eligible);
  const higher = standbys.filter((m) => m.failoverPriority > self.failoverPriority).sort(byRank(now));
  return { ...own, eligibleOthers: standbys.length, outrankedBy: higher[0]?.nodeId ?? null };
}

/**
 * Why `member` cannot take the role from `leaderId` in a switchover now, or null when it can: it is not the
 * leader, it is eligible by the policy, and it is a standby in Voting (a Validating record that is not the
 * leader's is stale). `best` is bestHead of the pool at `now`.
 */
export function candidateProblem(member: MemberFacts, leaderId: string, best: number | null, rule: EligibilityRule, now: number): string | null {
  if (member.nodeId === leaderId) return 'it is the leader';
  const { reason } = eligibilityOf(member, best, rule, now);
  if (reason !== null) return reason;
  if (member.state !== 'Voting') return `in ${member.state}, not a standby in Voting`;
  return null;
}

export interface CandidateRequest {
  /** The lock holder's node id: the leader that gives the role away. */
  leaderId: string;
  /** --to: the member the operator named, if any. */
  to: string | undefined;
}

export type CandidateChoice = { nodeId: string } | { refusal: string };

/**
 * Who takes the role in a switchover: the named member if it can, else (no name) the first in rank order
 * (byRank) of those that can. A refusal names every standby with its reason, as `kuutamoctl list` words it.
 */
export function pickCandidate(members: readonly MemberFacts[], request: CandidateRequest, rule: EligibilityRule, now: number): CandidateChoice {
  const { leaderId, to } = request;
  const best = bestHead(members, now);
  const problemOf = (member: MemberFacts) => candidateProblem(member, leaderId, best, rule, now);
  if (to !== undefined) {
    const member = members.find((m) => m.nodeId === to);
    if (member === undefined) {
      const known = members.map((m) => m.nodeId).join(', ') || 'none published';
      return { refusal: `--to ${to}: no member of this pool has that node id (members: ${known}). Check the name with kuutamoctl list.` };
    }
    const problem = problemOf(member);
    return problem === null ? { nodeId: to } : { refusal: `--to ${to}: ${to} cannot take the role now: ${problem}.` };
  }
  const ready = members.filter((m) => problemOf(m) === null).sort(byRank(now));
  if (ready[0] !== undefined) return { nodeId: ready[0].nodeId };
  const reasons = members
    .filter((m) => m.nodeId !== leaderId)
    .map((m) => `${m.nodeId}: ${problemOf(m)}`)
    .join('; ');
  return { refusal: `no standby can take the role now (${reasons || 'no standby is published in Consul'}).` };
}
