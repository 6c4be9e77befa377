/**
 * Random pool member records for the properties of the pool's rules and the pool table: every field in
 * its declared range (heads within 30 blocks of each other, published up to 20 s before NOW, some without
 * a rate, some stalled), node ids unique per pool.
 */
import fc from 'fast-check';
import type { MemberRecord } from '../../services/pool/member-record.js';
import { memberRecord } from './member-fixture.js';

/** The moment the properties judge a pool at. */
export const NOW = 1_800_000_000_000;

const anyMember = fc.record({
  state: fc.constantFrom('Voting', 'Validating', 'Syncing', 'Registering', 'Startup'),
  syncing: fc.constantFrom(false, true, null),
  // Close together, so lags straddle --max-lag-blocks and projection reorders heads.
  height: fc.option(fc.integer({ min: 970, max: 1_000 }), { freq: 8 }),
  headRate: fc.constantFrom(null, 0, 0.5, 1, 1.3, 2),
  publishedAt: fc.integer({ min: NOW - 20_000, max: NOW }),
  noFailover: fc.boolean(),
  failoverPriority: fc.integer({ min: 0, max: 2 }),
  eligible: fc.boolean(),
});

/** Twice as often a synced standby, so pools often hold several that compete on rank. */
const memberFields = fc.oneof(
  { arbitrary: anyMember, weight: 1 },
  { arbitrary: anyMember.map((m) => ({ ...m, state: 'Voting', syncing: false, noFailover: false })), weight: 2 },
);

/** A pool of 0 to `most` members, node ids from n0 to n9. */
export function arbitraryPool(most = 8): fc.Arbitrary<MemberRecord[]> {
  return fc
    .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 9 }), memberFields), { maxLength: most, size: 'max', selector: ([id]) => id })
    .map((pool) => pool.map(([id, fields]) => memberRecord(`n${id}`, { height: 0, now: NOW }, fields)));
}
