/** Waiting on the pool's handover record in Consul (services/pool/handover-record.ts), for integration tests. */
import type { ConsulClient } from '../../services/consul/client.js';
import { readHandover, type HandoverRecord } from '../../services/pool/handover-record.js';
import { ACCOUNT_ID } from './neard-homes.js';
import { until } from './until.js';

/** Poll the record until `predicate` holds for it (or for its absence); returns it. */
export async function waitForRecord(consul: ConsulClient, predicate: (record: HandoverRecord | undefined) => boolean, what: string, timeoutMs = 30_000): Promise<HandoverRecord | undefined> {
  let last: HandoverRecord | undefined;
  await until(what, async () => predicate((last = (await readHandover(consul, ACCOUNT_ID))?.record)), {
    timeoutMs,
    intervalMs: 50,
    detail: () => `record: ${JSON.stringify(last)}`,
  });
  return last;
}
