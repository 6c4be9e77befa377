/**
 * Why the validator changed (issue 18), as pure rules over what a node knows at the moment (the entries
 * and their merge are history-list.ts). The recorder (src/history-recorder.ts) watches the chart from
 * outside and asks here:
 * - a leader leaving Validating: leavingReasonOf its new state and the fact that moved it. Its own words
 *   (crash, consul outage, operator stop) are the best there are, so it records them at once as a give-up;
 *   a planned handover is left to the taker, who knows its kind;
 * - a node entering Validating: planTakeover. A handover's candidate knows the kind from the record; else
 *   it completes the old leader's give-up, or waits for it to arrive, and when none comes judges the old
 *   leader's member record (settledTakeover): gone or no longer rewritten is a lost daemon.
 */
import type { FailoverEvent, HandoverRecord } from './failover-events.js';
import { candidateOfHandover, releasing, RESTART_REQUESTER } from './handover-rules.js';
import { lastValidatorOf, openGiveUpAmong, type HistoryEntry, type HistoryReason } from './history-list.js';
import { isProductionMove } from './production-moves.js';
import type { StateNames } from './roles.js';

export interface ReasonWords {
  reason: HistoryReason;
  detail: string;
}

/**
 * Why this leader left Validating for `to`, moved by `cause` (the fact the chart handled), or null when the
 * taker records it (a planned handover: Voting.HandingOver).
 */
export function leavingReasonOf(to: StateNames, cause: FailoverEvent | { type: string }): ReasonWords | null {
  if (to.detail.startsWith('Voting.HandingOver')) return null;
  // Validating's lease deadline: no renewal for --step-down-after.
  if (to.detail.startsWith('Voting.Resigning')) return { reason: 'consul outage', detail: 'no session renewal succeeded for --step-down-after: stepped down' };
  const fact = cause as FailoverEvent;
  switch (fact.type) {
    case 'NEARD_EXITED':
      return { reason: 'crash', detail: `neard (${fact.mode}) exited ${fact.signal === null ? `with code ${fact.code}` : `on ${fact.signal}`}` };
    case 'STATUS_FAILED':
      return { reason: 'crash', detail: `neard stopped answering /status (${fact.error}) and was restarted` };
    case 'NEARD_SPAWN_FAILED':
      return { reason: 'crash', detail: `neard could not be started: ${fact.error}` };
    case 'SHUTDOWN':
      return { reason: 'operator stop', detail: `kuutamod stopped (${fact.reason})` };
    case 'SESSION_LOST':
      return { reason: 'consul outage', detail: 'Consul ended the session (a renewal answered 404)' };
    default:
      return { reason: 'unknown', detail: `left Validating for ${to.detail} on ${cause.type}` };
  }
}

/** The kind of a planned handover, from who asked for it. */
export function plannedReasonOf(record: HandoverRecord): ReasonWords {
  const when = record.window === null ? 'at once' : `in window [${record.window.start}, ${record.window.end})`;
  if (isProductionMove(record)) return { reason: 'production', detail: `${record.requestedBy}: ${record.message ?? 'the leader did not produce'}` };
  if (record.requestedBy.startsWith(RESTART_REQUESTER)) return { reason: 'restart', detail: `${record.requestedBy}, ${when}` };
  return { reason: 'switchover', detail: `requested by ${record.requestedBy}, ${when}` };
}

export interface TakeoverFacts {
  nodeId: string;
  /** The handover record as the chart had recorded it when it took the lock. */
  handover: HandoverRecord | null;
  /** The member whose record held the lock in this node's last read of the pool (null: none seen). */
  holderSeen: string | null;
  /** The pool's history now: Consul's, with this node's entries not written there yet. */
  entries: readonly HistoryEntry[];
}

export type TakeoverPlan =
  /** Record a new entry from `from` to this node now. */
  | ({ kind: 'record'; from: string | null } & ReasonWords)
  /** Complete the old leader's give-up with this node. */
  | { kind: 'complete'; giveUp: HistoryEntry }
  /** Wait for a give-up of one of `candidates` (the likeliest first), then settledTakeover. */
  | { kind: 'await'; candidates: string[] };

/** Who may have held the role before: the holder last seen in the member records, then the history's last validator. */
export function previousCandidates(facts: Pick<TakeoverFacts, 'holderSeen' | 'entries'>): string[] {
  const seen = [facts.holderSeen, lastValidatorOf(facts.entries)].filter((node): node is string => node !== null);
  return [...new Set(seen)];
}

export function planTakeover(facts: TakeoverFacts): TakeoverPlan {
  const { nodeId, handover } = facts;
  if (handover !== null && candidateOfHandover(handover, nodeId)) return { kind: 'record', from: handover.from, ...plannedReasonOf(handover) };
  const candidates = previousCandidates(facts);
  const giveUp = openGiveUpAmong(facts.entries, candidates);
  if (giveUp !== undefined) return { kind: 'complete', giveUp };
  // The lock was freed for another node's candidate, which did not take it by the deadline (the record still
  // says releasing): the old leader took the role back, or a bystander took it.
  if (handover !== null && releasing(handover)) {
    const taken = handover.from === nodeId ? `${nodeId} took the role back` : `${nodeId} took it`;
    return { kind: 'record', from: handover.from, reason: 'handover failed', detail: `${handover.to} did not validate by the handover's deadline; ${taken}` };
  }
  if (candidates.length === 0) return { kind: 'record', from: null, reason: 'first start', detail: "no earlier validator in the pool's history or member records" };
  const others = candidates.filter((node) => node !== nodeId);
  // This daemon would have recorded its own give-up: the one that held the role here before was another run.
  if (others.length === 0) {
    return { kind: 'record', from: nodeId, reason: 'daemon lost', detail: 'the previous run of kuutamod on this node ended without recording why (killed, or its machine stopped)' };
  }
  return { kind: 'await', candidates: others };
}

/** A possible previous holder as this node judges it after waiting for its give-up in vain. */
export interface PreviousHolder {
  nodeId: string;
  /** Its member record now (null: gone). */
  record: { detail: string; holdsLock: boolean } | null;
  /** Its record was rewritten lately (services/pool/member-liveness.ts). */
  live: boolean;
}

/**
 * No give-up came: the previous holder (the one whose record still claims the lock, else the likeliest) and
 * why, from its member record. `cannotJudge`: why the records cannot tell (this daemon stops, Consul did
 * not answer), or null.
 */
export function settledTakeover(candidates: readonly PreviousHolder[], cannotJudge: string | null): { from: string | null } & ReasonWords {
  const previous = candidates.find((holder) => holder.record?.holdsLock === true) ?? candidates[0];
  if (previous === undefined) return { from: null, reason: 'first start', detail: "no earlier validator in the pool's history or member records" };
  const { nodeId: from, record } = previous;
  if (cannotJudge !== null) return { from, reason: 'unknown', detail: `${from} recorded no reason, and ${cannotJudge}` };
  if (record === null) return { from, reason: 'daemon lost', detail: `${from}'s member record is gone and it recorded no reason (its daemon died, or was cut off from Consul)` };
  if (!previous.live) return { from, reason: 'daemon lost', detail: `${from}'s daemon stopped rewriting its member record (it died, or was cut off from Consul)` };
  return { from, reason: 'unknown', detail: `${from}'s daemon runs (${record.detail}) but recorded no reason (an older kuutamod?)` };
}
