/**
 * Who may take the role in a switchover (candidateProblem, pickCandidate), as pure functions; the window
 * is machines/window-rules.ts. The routes (switchover-routes.ts) fetch the facts; these decide, so every
 * refusal can be tested alone.
 */
import { bestHeadOf, projectedHeight } from '../../services/pool/member-eligibility.js';
import type { MemberRecord } from '../../services/pool/member-record.js';

/** The best head height among the members, each projected to `now` as eligibility does (null when none reported one). */
export function bestHead(members: readonly MemberRecord[], now = Date.now()): number | null {
  return bestHeadOf(members, now);
}

/** Why `member` cannot take the role from `leaderId` now, or null when it can. */
export function candidateProblem(member: MemberRecord, leaderId: string, head: number | null, maxLagBlocks: number, now = Date.now()): string | null {
  if (member.nodeId === leaderId) return 'is the leader';
  if (member.noFailover) return 'runs with --no-failover';
  if (member.syncing !== false) return 'is not synced';
  if (member.state !== 'Voting') return `is in ${member.detail}, not Voting`;
  const height = projectedHeight(member, now);
  if (height === null) return 'has reported no head height';
  const lag = Math.max(0, (head ?? height) - height);
  if (lag > maxLagBlocks) return `is ${lag} blocks behind the best head (more than --max-lag-blocks ${maxLagBlocks})`;
  return null;
}

export type CandidateChoice = { nodeId: string } | { refusal: string };

/**
 * The named member if it can take the role, else (no name) the best standby: eligible, then the highest
 * failoverPriority, then the highest head.
 */
export function pickCandidate(members: readonly MemberRecord[], leaderId: string, maxLagBlocks: number, to: string | undefined): CandidateChoice {
  const head = bestHead(members);
  if (to !== undefined) {
    const member = members.find((m) => m.nodeId === to);
    if (member === undefined) {
      const known = members.map((m) => m.nodeId).join(', ') || 'none published';
      return { refusal: `--to ${to}: no member of this pool has that node id (members: ${known}). Check the name with kuutamoctl list.` };
    }
    const problem = candidateProblem(member, leaderId, head, maxLagBlocks);
    return problem === null ? { nodeId: to } : { refusal: `--to ${to}: ${to} ${problem}; it cannot take the role now.` };
  }
  const ready = members
    .filter((m) => candidateProblem(m, leaderId, head, maxLagBlocks) === null)
    .sort((a, b) => b.failoverPriority - a.failoverPriority || (b.height ?? 0) - (a.height ?? 0) || a.nodeId.localeCompare(b.nodeId));
  if (ready[0] !== undefined) return { nodeId: ready[0].nodeId };
  const reasons = members
    .filter((m) => m.nodeId !== leaderId)
    .map((m) => `${m.nodeId} ${candidateProblem(m, leaderId, head, maxLagBlocks)}`)
    .join('; ');
  return { refusal: `no standby can take the role now (${reasons || 'no standby is published in Consul'}).` };
}
