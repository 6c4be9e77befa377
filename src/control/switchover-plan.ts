/**
 * What a switchover request must satisfy before it is written to Consul, as pure functions: who may
 * take the role (candidateProblem, pickCandidate) and which maintenance window it goes in (planWindow).
 * The routes (switchover-routes.ts) fetch the facts; these decide, so every refusal can be tested alone.
 */
import type { MaintenanceWindow } from '../../services/neard/maintenance-windows.js';
import { bestHeadOf, projectedHeight } from '../../services/pool/member-eligibility.js';
import type { MemberRecord } from '../../services/pool/member-record.js';

/** Blocks between the head and the earliest window start we accept: the record must reach the leader first. */
export const WINDOW_START_MARGIN_BLOCKS = 2;

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

export type WindowChoice = { window: MaintenanceWindow } | { refusal: string };

/** How many windows a refusal names. */
const SHOWN_WINDOWS = 3;

/**
 * The first window of at least `minimumLength` blocks that starts after the head plus a margin. Unlike a
 * restart, a handover never settles for a shorter window: the account would miss blocks meanwhile.
 */
export function planWindow(windows: readonly MaintenanceWindow[], head: number, minimumLength: number): WindowChoice {
  const from = head + WINDOW_START_MARGIN_BLOCKS;
  const window = windows.find((w) => Math.max(w.start, from) + minimumLength <= w.end);
  if (window !== undefined) return { window: { start: Math.max(window.start, from), end: window.end } };
  // A mainnet epoch can hold thousands of short windows: name the longest few, not all of them.
  const longest = [...windows].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, SHOWN_WINDOWS);
  const shown = longest.map((w) => `[${w.start}, ${w.end}) ${w.end - w.start} blocks`).join(', ');
  const seen = windows.length === 0 ? 'none' : windows.length <= SHOWN_WINDOWS ? shown : `${windows.length}, the longest: ${shown}`;
  return {
    refusal:
      `no maintenance window of at least ${minimumLength} blocks starts after height ${from} before the epoch ends ` +
      `(windows from head ${head}: ${seen}). Give a smaller --minimum-length, try again in the next epoch, or use --now.`,
  };
}
