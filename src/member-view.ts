/**
 * This node's pool member record (services/pool/member-record.ts), built from the failover observer's latest
 * snapshot: what the membership publisher writes to Consul. Lives in src/ because it reads the observer
 * and the package version; the publisher in services/ only calls it.
 */
import { stateNamesOf } from '../machines/failover.js';
import { selfEligibility, type EligibilityRule } from '../machines/pool-rules.js';
import { FAILSAFE_OFF, type FailsafeFields } from '../services/pool/member-failsafe.js';
import { HOT_SWAP_OFF, type HotSwapFields } from '../services/pool/member-hot-swap.js';
import type { FailoverContext } from '../machines/failover-context.js';
import { memberProductionOf } from '../services/pool/member-production.js';
import type { MemberRecord } from '../services/pool/member-record.js';
import type { FailoverObserver } from './failover-observer.js';
import { PACKAGE_VERSION } from './package-version.js';

export interface MemberIdentity {
  nodeId: string;
  accountId: string;
  noFailover: boolean;
  failoverPriority: number;
}

export interface MemberClocks {
  /** The clock the chart's lastRenewalSentAt is read on (the daemon's monotonic clock). */
  monotonicNow: () => number;
  /** Wall clock, for the record's times (other machines read them). */
  wallNow: () => number;
}

/**
 * The record as of now. `othersBest` is the best head among the other live members as last read, projected
 * to now (null: not read yet; this node's own head then stands for it). `hotSwap`: the last verdict on
 * neard's config.json (src/hot-swap-readiness.ts), or off. `failsafe`: the address this node takes failsafe
 * confirmations at (services/pool/member-failsafe.ts), or none.
 */
export function buildMemberRecord(
  observer: FailoverObserver,
  identity: MemberIdentity,
  rule: EligibilityRule,
  othersBest: number | null,
  clocks: MemberClocks,
  hotSwap: HotSwapFields = HOT_SWAP_OFF,
  failsafe: FailsafeFields = FAILSAFE_OFF,
): MemberRecord {
  const snapshot = observer.snapshot;
  const context = snapshot?.context;
  const names = snapshot ? stateNamesOf(snapshot.value) : { state: 'Startup', detail: 'Startup' };
  const wallNow = clocks.wallNow();
  const renewedAt = context?.lastRenewalSentAt ?? null;
  const height = context?.blockHeight ?? null;
  const own = { state: names.state, syncing: context?.syncing ?? null, height, noFailover: identity.noFailover, benched: benchReason(context) };
  const { eligible, reason } = selfEligibility(own, othersBest, rule, wallNow);
  return {
    nodeId: identity.nodeId,
    accountId: identity.accountId,
    state: names.state,
    detail: names.detail,
    holdsLock: context?.holdsLock ?? false,
    height,
    headRate: observer.headRate.blocksPerSecond,
    syncing: own.syncing,
    // The chart counts on the monotonic clock; other machines need wall-clock time.
    lastRenewalAt: renewedAt === null ? null : wallNow - (clocks.monotonicNow() - renewedAt),
    version: PACKAGE_VERSION,
    neardVersion: observer.neardVersion,
    eligible,
    ineligibleReason: reason,
    noFailover: identity.noFailover,
    failoverPriority: identity.failoverPriority,
    publishedAt: wallNow,
    ...hotSwap,
    ...failsafe,
    production: memberProductionOf(context?.production),
  };
}

/** Why this node is benched after losing the role for not producing, with the time left; null: it is not. */
export function benchReason(context: FailoverContext | undefined): string | null {
  const bench = context?.bench;
  if (bench == null) return null;
  const left = bench.until - context!.now();
  if (left <= 0) return null;
  return `lost the role for not producing (${bench.reason}); eligible again in ${Math.ceil(left / 60_000)} min (--production-hold)`;
}
