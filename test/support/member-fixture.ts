/** A pool member record for unit tests: a synced, eligible standby at `height`, published at `at`; override any field. */
import type { MemberRecord } from '../../services/pool/member-record.js';

export function memberRecord(nodeId: string, at: { height: number; now: number }, fields: Partial<MemberRecord> = {}): MemberRecord {
  return {
    nodeId,
    accountId: 'pool.test',
    state: 'Voting',
    detail: 'Voting.Contending',
    holdsLock: false,
    height: at.height,
    headRate: null,
    syncing: false,
    lastRenewalAt: at.now - 2_000,
    version: '0.1.0',
    neardVersion: '2.6.5',
    eligible: true,
    ineligibleReason: null,
    noFailover: false,
    failoverPriority: 1,
    publishedAt: at.now - 500,
    hotSwapReady: null,
    hotSwapReason: null,
    production: null,
    failsafeUrl: null,
    ...fields,
  };
}
