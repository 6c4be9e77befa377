/** Waiting on the pool's member records in Consul (services/pool/member-record.ts), for integration tests. */
import type { ConsulClient } from '../../services/consul/client.js';
import { readMembers, type MemberRecord } from '../../services/pool/member-record.js';
import { ACCOUNT_ID } from './kuutamod.js';

/** Poll Consul until the test pool's records satisfy `predicate`; returns them. */
export async function waitForMembers(consul: ConsulClient, predicate: (members: MemberRecord[]) => boolean, what: string, timeoutMs = 30_000): Promise<MemberRecord[]> {
  const deadline = Date.now() + timeoutMs;
  let last: MemberRecord[] = [];
  while (Date.now() < deadline) {
    last = (await readMembers(consul, ACCOUNT_ID)).members;
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; members: ${JSON.stringify(last)}`);
}
