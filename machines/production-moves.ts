/**
 * Production moves (issue 17) as pure rules over the handover record and this node's view: when a standby
 * asks the leader to hand the role over because the leader does not produce, and what stops it (a move is
 * under way, the pool's last production move is too recent, this node is benched, moves are off). A move is
 * a planned switchover in mode now (handover-rules.ts): the leader carries it out through HandingOver, the
 * key released before the lock, as for `kuutamoctl switchover --now`.
 */
import type { HandoverRecord } from './failover-events.js';
import { handoverEnded } from './handover-rules.js';
import type { ChartProduction } from './failover-context.js';
import type { ProductionRule } from './production-view.js';

/** `requestedBy` of a production move: "production check on <the standby that asked>". */
export const PRODUCTION_REQUESTER = 'production check on ';

export const isProductionMove = (record: HandoverRecord | null): boolean => record !== null && record.requestedBy.startsWith(PRODUCTION_REQUESTER);

/**
 * The pool's last production move is younger than the hold: no other one now (if the new leader does not
 * produce either, moving again would only ping-pong; the operator is alerted instead). Read from the record
 * every node watches, on this node's wall clock: a skew of seconds is nothing against a hold of minutes.
 */
export function productionMoveHeld(record: HandoverRecord | null, rule: ProductionRule, wallNow: number): boolean {
  return isProductionMove(record) && record!.phase !== 'cancelled' && wallNow - record!.requestedAt < rule.holdMs;
}

export interface ClaimFacts {
  nodeId: string;
  handover: HandoverRecord | null;
  productionRule: ProductionRule;
  production: Pick<ChartProduction, 'verdict' | 'leaderId'>;
  /** This node lost the role for not producing, and its bench has not ended. */
  benched: boolean;
}

/** Why this standby does not ask for a production move now, or null when it does (its verdict is failing). */
export function claimProblem(facts: ClaimFacts, wallNow: number): string | null {
  const { production, productionRule, handover, nodeId } = facts;
  if (production.verdict?.verdict !== 'failing') return 'the leader is not judged failing';
  if (!productionRule.movesEnabled) return 'production moves are off (--no-production-failover)';
  if (production.leaderId === null || production.leaderId === nodeId) return 'no other leader known';
  if (facts.benched) return 'this node lost the role for not producing and is benched';
  if (!handoverEnded(handover)) return 'a handover is under way';
  if (productionMoveHeld(handover, productionRule, wallNow)) return `the pool's last production move is younger than --production-hold (${Math.round(productionRule.holdMs / 60_000)} min)`;
  return null;
}

/** The verdict is failing and only the hold (or no move allowed) keeps the pool from moving: alert. */
export function moveHeld(facts: ClaimFacts, wallNow: number): boolean {
  const problem = claimProblem(facts, wallNow);
  return problem !== null && facts.production.verdict?.verdict === 'failing' && !problem.startsWith('a handover') && !problem.startsWith('no other');
}
