/**
 * The pool's history for people (src/history-view.ts, src/history-table-rows.ts): oldest first, entries
 * not in Consul yet marked, the text table `kuutamoctl history` prints and the rows the /ui timeline shows,
 * and both routes on the daemon's own Fastify server (GET /v1/history, GET /ui/history.json) through inject.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import type { HistoryEntry } from '../../machines/history-list.js';
import { FailoverObserver } from '../../src/failover-observer.js';
import { formatHistoryTable, historyTableOf } from '../../src/history-table-rows.js';
import { historyViewOf, type HistoryView } from '../../src/history-view.js';
import { createMetrics } from '../../src/metrics.js';
import { buildServer } from '../../src/server.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const entry = (id: string, at: number, from: string | null, to: string | null, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  at: T0 + at,
  from,
  to,
  reason: 'crash',
  detail: 'neard (validator) exited on SIGKILL',
  recordedBy: from ?? to ?? 'x',
  takenAt: null,
  ...fields,
});

const first = entry('e1', 0, null, 'node0', { reason: 'first start', detail: 'no earlier validator', recordedBy: 'node0' });
const crash = entry('e2', 60_000, 'node0', 'node1', { takenAt: T0 + 60_300 });
const waiting = entry('e3', 30_000, 'node9', null, { reason: 'consul outage', detail: 'stepped down' });

describe('the view and its table', () => {
  test('oldest first by the recorded time, entries not in Consul yet marked', () => {
    const view = historyViewOf('pool.test', { entries: [first, crash, waiting], pendingIds: ['e3'], problems: [] }, T0 + 90_000);
    assert.deepEqual(view.entries.map((e) => [e.id, e.pending]), [['e1', false], ['e3', true], ['e2', false]]);
  });

  test('the text table: one line a change, "-" for nobody, the gap of a completed give-up, then the notes', () => {
    const view = historyViewOf('pool.test', { entries: [first, crash, waiting], pendingIds: ['e3'], problems: ['Consul key kuutamod-history/pool.test: entry 4 left out: not a JSON object'] }, T0);
    const lines = formatHistoryTable(historyTableOf(view)).trimEnd().split('\n');
    assert.match(lines[0]!, /^TIME\s+FROM\s+TO\s+REASON\s+BY\s+DETAIL$/);
    assert.match(lines[1]!, /^2026-12-07T10:00:00\.000Z\s+-\s+node0\s+first start\s+node0\s+no earlier validator$/);
    assert.match(lines[2]!, /^2026-12-07T10:00:30\.000Z\s+node9\s+-\s+consul outage\s+node9\s+stepped down; nobody has taken over yet; not in Consul yet/);
    assert.match(lines[3]!, /^2026-12-07T10:01:00\.000Z\s+node0\s+node1\s+crash\s+node0\s+neard \(validator\) exited on SIGKILL; node1 took over 300ms later$/);
    assert.equal(lines[4], 'warning: Consul key kuutamod-history/pool.test: entry 4 left out: not a JSON object');
  });

  test('no entries: the table says so', () => {
    const table = historyTableOf(historyViewOf('pool.test', { entries: [], pendingIds: [], problems: [] }, T0));
    assert.equal(formatHistoryTable(table), 'No changes of validator recorded for account pool.test\n');
  });
});

describe('the routes', () => {
  const observer = () => new FailoverObserver(pino({ level: 'silent' }), createMetrics(0));

  test('GET /v1/history answers the view; GET /ui/history.json its rows; without a source both are 404', async () => {
    const view: HistoryView = historyViewOf('pool.test', { entries: [first, crash], pendingIds: [], problems: [] }, T0);
    const app = buildServer({ metrics: createMetrics(0), observer: observer(), identity: { nodeId: 'node1', accountId: 'pool.test' }, history: async () => view });
    const bare = buildServer({ metrics: createMetrics(0), observer: observer(), identity: { nodeId: 'node1', accountId: 'pool.test' } });
    try {
      const served = await app.inject({ method: 'GET', url: '/v1/history' });
      assert.equal(served.statusCode, 200);
      assert.deepEqual(served.json(), JSON.parse(JSON.stringify(view)));
      const rows = await app.inject({ method: 'GET', url: '/ui/history.json' });
      assert.deepEqual(rows.json(), JSON.parse(JSON.stringify(historyTableOf(view))));
      assert.equal((await bare.inject({ method: 'GET', url: '/v1/history' })).statusCode, 404);
      assert.equal((await bare.inject({ method: 'GET', url: '/ui/history.json' })).statusCode, 404);
    } finally {
      await app.close();
      await bare.close();
    }
  });
});
