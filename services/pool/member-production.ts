/**
 * The member record's production fields (issue 17): what this node's production watch last judged, for
 * `kuutamoctl list`, /ui and `kuutamoctl switchover --wait` (the check after a takeover). A standby publishes
 * its verdict on the leader, the leader its own production. Kept apart from member-record.ts like the
 * hot-swap fields; a record from an older daemon has none and reads as null.
 */
import type { ChartProduction } from '../../machines/failover-context.js';
import { isJsonObject } from '../json-object.js';

export interface MemberProduction {
  /** The leader's own: checking (no duty produced since its takeover yet), producing, degraded. null on a standby. */
  health: 'checking' | 'producing' | 'degraded' | null;
  /** A standby's verdict on the leader. null on the leader. */
  verdict: 'healthy' | 'suspect' | 'failing' | 'cannot-judge' | null;
  /** In words: the health's detail, or the verdict's reason and detail. */
  detail: string | null;
  /** The check after this node's latest takeover, once decided. */
  takeover: { result: 'producing' | 'not-producing' | 'unconfirmed'; detail: string } | null;
  /** Why the chain's counts cannot be read on this node (the missed-blocks signal is off). */
  countsProblem: string | null;
}

export interface ProductionFields {
  production: MemberProduction | null;
}

const oneOf = (values: readonly unknown[]) => (v: unknown) => v === null || values.includes(v);
const orNullText = (v: unknown) => v === null || typeof v === 'string';
const isTakeover = (v: unknown) => v === null || (isJsonObject(v) && ['producing', 'not-producing', 'unconfirmed'].includes(v['result'] as string) && typeof v['detail'] === 'string');

const PRODUCTION_CHECKS: Record<keyof MemberProduction, (value: unknown) => boolean> = {
  health: oneOf(['checking', 'producing', 'degraded']),
  verdict: oneOf(['healthy', 'suspect', 'failing', 'cannot-judge']),
  detail: orNullText,
  takeover: isTakeover,
  countsProblem: orNullText,
};

/** Missing (an older daemon's record) passes and reads as null (withProductionDefaults). */
export const PRODUCTION_FIELD_TYPES: Record<keyof ProductionFields, (value: unknown) => boolean> = {
  production: (v) =>
    v === undefined || v === null || (isJsonObject(v) && (Object.keys(PRODUCTION_CHECKS) as (keyof MemberProduction)[]).every((key) => PRODUCTION_CHECKS[key](v[key]))),
};

export function withProductionDefaults<T extends ProductionFields>(record: T): T {
  return { ...record, production: record.production ?? null };
}

/** What the chart last recorded, as published (null before the watch reported anything). */
export function memberProductionOf(production: ChartProduction | undefined): MemberProduction | null {
  if (production === undefined || (production.verdict === null && production.own === null && production.takeover === null)) return null;
  const verdict = production.verdict;
  const verdictDetail =
    verdict === null ? null : verdict.verdict === 'healthy' ? 'producing' : verdict.verdict === 'cannot-judge' ? verdict.reason : `${verdict.reason} for ${Math.round(verdict.forMs / 1000)} s: ${verdict.detail}`;
  return {
    health: production.own?.health ?? null,
    verdict: verdict?.verdict ?? null,
    detail: production.own?.detail ?? verdictDetail,
    takeover: production.takeover,
    countsProblem: production.countsProblem,
  };
}
