/**
 * The /ui table's source: the pool read from Consul at most once per `maxAgeMs` however many browsers
 * poll, with one read in flight shared by every request that waits for it. A failed read is shown as a
 * note in the table (the page stays up; the next request tries again), never as a daemon error.
 */
import { describeConsulError } from '../../services/consul/client.js';
import { POOL_COLUMNS, type PoolTable } from './pool-table.js';

export function cachedPoolTable(read: () => Promise<PoolTable>, accountId: string, maxAgeMs = 1_000): () => Promise<PoolTable> {
  let cached: { table: PoolTable; at: number } | null = null;
  let inFlight: Promise<PoolTable> | null = null;
  return async () => {
    if (cached !== null && Date.now() - cached.at < maxAgeMs) return cached.table;
    inFlight ??= read()
      .catch((error: unknown) => ({ accountId, columns: POOL_COLUMNS, rows: [], notes: [`cannot read the pool from Consul: ${describeConsulError(error)}`], readAt: new Date().toISOString() }))
      .then((table) => {
        cached = { table, at: Date.now() };
        return table;
      })
      .finally(() => (inFlight = null));
    return inFlight;
  };
}
