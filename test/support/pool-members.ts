/** Waiting on the pool's member records in Consul (services/pool/member-record.ts), for integration tests. */
import type { ConsulClient } from '../../services/consul/client.js';
import { readMembers, type MemberRecord } from '../../services/pool/member-record.js';
import { ACCOUNT_ID } from './kuutamod.js';
import { untilValue } from './until.js';

/** Poll Consul until the test pool's records satisfy `predicate`; returns them. */
export async function waitForMembers(consul: ConsulClient, predicate: (members: MemberRecord[]) => boolean, what: string, timeoutMs = 30_000): Promise<MemberRecord[]> {
  let last: MemberRecord[] = [];
  return untilValue(
    what,
    async () => {
      last = (await readMembers(consul, ACCOUNT_ID)).members;
      return predicate(last) ? last : undefined;
    },
    { timeoutMs, intervalMs: 100, detail: () => `members: ${JSON.stringify(last)}` },
  );
}
