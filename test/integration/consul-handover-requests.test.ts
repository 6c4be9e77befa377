/**
 * The handover watch on a real Consul (1.8.7), counted at a proxy: it creates the pool's handover key
 * when it is missing, and from then on its blocking query sleeps through writes to other keys (member
 * record rewrites) and wakes for the record only. Before, the key was missing until the first switchover
 * and Consul answers a blocking query on a missing key at every KV write nearby: with many pools on one
 * Consul, every member record rewrite woke every node's watch (docs/scale.md).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import type { FailoverEvent } from '../../machines/failover-events.js';
import { createConsulClient } from '../../services/consul/client.js';
import { HandoverWatch } from '../../services/pool/handover-actor.js';
import { createHandover, handoverKeyOf, type HandoverRecord } from '../../services/pool/handover-record.js';
import { actorTimings } from '../../services/service-timings.js';
import { countedConsulForThisFile } from '../support/counted-consul.js';
import { until } from '../support/until.js';

const ACCOUNT = 'handover-requests.test';
const KEY = handoverKeyOf(ACCOUNT);

const counted = countedConsulForThisFile();


/** The key's ModifyIndex read directly on Consul, or undefined while it is missing. */
async function modifyIndexOf(key: string): Promise<number | undefined> {
  const response = await fetch(`${counted.consul.url}/v1/kv/${key}`);
  if (response.status === 404) return undefined;
  const [entry] = (await response.json()) as Array<{ ModifyIndex: number; Value: string | null }>;
  return entry?.ModifyIndex;
}

/** The blocking queries on `key` the proxy has seen (the client sends the key's slashes as %2F). */
const blockingWatchesOf = (key: string) => counted.proxy.requests.filter((r) => r.kind === 'GET /v1/kv (blocking)' && decodeURIComponent(r.url).startsWith(`/v1/kv/${key}?`));

test('the handover watch creates the missing key, then sleeps through writes to other keys', async () => {
  assert.equal(await modifyIndexOf(KEY), undefined, 'a fresh pool has no handover key');
  const events: FailoverEvent[] = [];
  const consulClient = createConsulClient({ url: counted.proxy.url, requestTimeoutMs: 5_000 });
  const watch = new HandoverWatch(
    { consul: consulClient, accountId: ACCOUNT, timings: actorTimings(DEFAULT_TIMINGS), logger: pino({ level: 'silent' }) },
    (event) => events.push(event),
  );
  try {
    let created: number | undefined;
    await until('the handover key created', async () => (created = await modifyIndexOf(KEY)) !== undefined);
    // Now blocked on the existing key: its blocking query carries the key's own index.
    await until('a watch on the existing key', () => blockingWatchesOf(KEY).some((r) => r.url.includes(`index=${created}&`)));
    const watchesBefore = blockingWatchesOf(KEY).length;

    // Another pool member rewrites its record, ten times.
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${counted.consul.url}/v1/kv/kuutamod-members/${ACCOUNT}/other-node`, { method: 'PUT', body: JSON.stringify({ i }) });
      assert.equal(response.status, 200);
    }
    // Then a switchover is asked for: the watch wakes for it and reports it.
    const record: HandoverRecord = {
      id: randomUUID(), from: 'a', to: 'b', mode: 'now', minimumLength: 0, window: null,
      requestedAt: Date.now(), requestedBy: 'test', phase: 'requested', deadlineAt: null, message: null,
    };
    assert.deepEqual(await createHandover(createConsulClient({ url: counted.consul.url, requestTimeoutMs: 5_000 }), ACCOUNT, record), { created: true });
    await until('the record reported', () => events.some((e) => e.type === 'HANDOVER_UPDATED' && e.record?.id === record.id));

    // Consul's writes are ordered: a wake for any member write would have come before the record's.
    // At most one new watch: the one issued after reporting the record (the loop may have got there already).
    const woken = blockingWatchesOf(KEY).length - watchesBefore;
    assert.ok(woken <= 1, `${woken} blocking queries on ${KEY} re-issued across 10 writes to another key and 1 to the record`);
    assert.ok(!events.some((e) => e.type === 'CONSUL_ERROR'), JSON.stringify(events));
  } finally {
    watch.dispose();
    consulClient.destroy();
  }
});
