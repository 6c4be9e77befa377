/**
 * What the production metrics (src/production-metrics.ts) show of the chart, pure: the gauges of one
 * snapshot, and the events between two snapshots that the counters count (a claim, a handover for not
 * producing, a decided check after a takeover). The failover observer feeds it every snapshot; the chart
 * keeps no counts of its own.
 */
import type { TakeoverCheckResult } from '../machines/failover-events.js';
import type { FailoverContext } from '../machines/failover-context.js';
import { moveHeld } from '../machines/production-moves.js';
import type { FailReason } from '../machines/production-rules.js';
import { stateNamesOf } from '../machines/roles.js';
import type { FailoverSnapshot } from './failover-observer.js';
import { OWN_HEALTHS, type ProductionGauges } from './production-metrics.js';

/** The part of a snapshot the production metrics read. */
export interface ProductionFacts {
  /** The active leaf path, e.g. "Voting.Claiming" or "Validating.Leased.Producing". */
  detail: string;
  leads: boolean;
  standby: boolean;
  context: Pick<FailoverContext, 'nodeId' | 'handover' | 'productionRule' | 'production' | 'bench'>;
  /** The chart's clock (the bench's) and the wall clock (the handover record's). */
  now: number;
  wallNow: number;
}

export type ProductionChange =
  | { kind: 'claim'; reason: FailReason }
  | { kind: 'handover' }
  | { kind: 'takeover-check'; check: TakeoverCheckResult };

const CLAIMING = 'Voting.Claiming';

export function productionFactsOf(snapshot: FailoverSnapshot): ProductionFacts {
  const { context } = snapshot;
  return {
    detail: stateNamesOf(snapshot.value).detail,
    leads: snapshot.hasTag('validator'),
    standby: snapshot.hasTag('standby'),
    context,
    now: context.now(),
    wallNow: context.wallNow(),
  };
}

/**
 * The leader's own health is its Validating.Leased substate (Checking, Producing, Degraded): the chart's
 * decision, steadier than each report's health. A standby's verdict and whether a move is held back are
 * only a standby's to say.
 */
export function productionGaugesOf(facts: ProductionFacts): ProductionGauges {
  const { context } = facts;
  const leaf = facts.detail.split('.').at(-1)?.toLowerCase();
  const ownHealth = !facts.leads ? null : (OWN_HEALTHS.find((h) => h === leaf) ?? context.production.own?.health ?? 'checking');
  if (!facts.standby) return { ownHealth, verdict: null, moveHeld: false };
  const benched = context.bench !== null && context.bench.until > facts.now;
  return {
    ownHealth,
    verdict: context.production.verdict?.verdict ?? null,
    moveHeld: moveHeld({ nodeId: context.nodeId, handover: context.handover, productionRule: context.productionRule, production: context.production, benched }, facts.wallNow),
  };
}

/** What happened between two snapshots (`before` null: the first), each counted once. */
export function productionChanges(before: ProductionFacts | null, after: ProductionFacts): ProductionChange[] {
  const changes: ProductionChange[] = [];
  const verdict = after.context.production.verdict;
  if (after.detail === CLAIMING && before?.detail !== CLAIMING && verdict?.verdict === 'failing') changes.push({ kind: 'claim', reason: verdict.reason });
  // The bench is set when, and only when, this node starts handing the role over for not producing.
  const bench = after.context.bench;
  if (bench !== null && bench.until !== before?.context.bench?.until) changes.push({ kind: 'handover' });
  const check = after.context.production.takeover;
  if (check !== null && (before?.context.production.takeover ?? null) === null) changes.push({ kind: 'takeover-check', check });
  return changes;
}
