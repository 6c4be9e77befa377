/**
 * The rules of a planned switchover (issue 8) as pure functions of the handover record, this node's id
 * and the fact at hand, so the chart's guards stay one line each and every rule can be read in one place.
 *
 * Roles: the record's `from` is the leader giving the role away, `to` the standby taking it; every other
 * node is a bystander. Phases: requested (nothing moves yet; a failover may still happen) -> releasing (the
 * old leader stops its neard and frees the lock) -> released -> done | failed | cancelled (terminal).
 */
import { TERMINAL_HANDOVER_PHASES, type HandoverRecord } from './failover-events.js';

/** `requestedBy` of the leader's `kuutamoctl restart` (a switchover in a window): "kuutamoctl restart on <the leader>". */
export const RESTART_REQUESTER = 'kuutamoctl restart on ';

export const isTerminal = (record: HandoverRecord): boolean => TERMINAL_HANDOVER_PHASES.includes(record.phase);

/** The lock is being freed, or is free, for the candidate. */
export const releasing = (record: HandoverRecord): boolean => record.phase === 'releasing' || record.phase === 'released';

/** This node leads and its handover should start now: mode now, or the head is inside the window. */
export function handoverDue(record: HandoverRecord | null, nodeId: string, height: number | null): boolean {
  if (record === null || record.from !== nodeId || record.phase !== 'requested') return false;
  if (record.mode === 'now') return true;
  return record.window !== null && height !== null && height >= record.window.start && height < record.window.end;
}

/** This node leads, its handover waits for a window, and the head is already past the window's end. */
export function handoverWindowMissed(record: HandoverRecord | null, nodeId: string, height: number | null): boolean {
  if (record === null || record.from !== nodeId || record.phase !== 'requested' || record.mode !== 'window') return false;
  return record.window !== null && height !== null && height >= record.window.end;
}

/**
 * This node is the candidate of a handover under way and now validates: its neard was reported started as
 * validator (restart or hot swap) and no other start is awaited.
 */
export function handoverTakenOver(context: { handover: HandoverRecord | null; nodeId: string; neardMode: string | null; neardStartAwaited: string | null }): boolean {
  const record = context.handover;
  if (record === null || record.to !== context.nodeId || !releasing(record)) return false;
  return context.neardMode === 'validator' && context.neardStartAwaited === null;
}

export function handoverEnded(record: HandoverRecord | null): boolean {
  return record === null || isTerminal(record);
}

/** This node is the candidate, and the lock is being freed for it. */
export function candidateOfHandover(record: HandoverRecord | null, nodeId: string): boolean {
  return record !== null && releasing(record) && record.to === nodeId;
}

/**
 * Another node's candidate is to take the lock: this node does not contend meanwhile. A bystander, or the
 * old leader itself when it registered anew during its handover (its restarted neard reported syncing):
 * it waits for the deadline like the others, only without their grace.
 */
export function yieldsToHandover(record: HandoverRecord | null, nodeId: string): boolean {
  return record !== null && releasing(record) && record.to !== nodeId;
}

/**
 * A node just took the lock: does that end a handover that is still open? Yes unless it is the candidate
 * of a handover that freed the lock for it, or the leader of one not started yet (it took its role back).
 * A standby that won a failover while a handover was only requested, or a bystander, ends it as failed.
 */
export function promotionEndsHandover(record: HandoverRecord, nodeId: string): boolean {
  if (isTerminal(record)) return false;
  if (record.to === nodeId && releasing(record)) return false;
  if (record.from === nodeId && record.phase === 'requested') return false;
  return true;
}
