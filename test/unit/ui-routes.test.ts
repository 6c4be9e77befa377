/**
 * The /ui page's static routes through the daemon's own Fastify server (inject, no socket): the chart it
 * draws is the machine itself, and elkjs's bundle is served from node_modules (no CDN). The page in a
 * real browser against a real daemon is test/integration/state-page.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { pino } from 'pino';
import { failoverMachine } from '../../machines/failover.js';
import { chartGraph } from '../../src/chart/chart-graph.js';
import { FailoverObserver } from '../../src/failover-observer.js';
import { createMetrics } from '../../src/metrics.js';
import { buildServer } from '../../src/server.js';

test('/ui/chart.json is the machine itself; elkjs is served from node_modules', async () => {
  const app = buildServer({
    metrics: createMetrics(0),
    observer: new FailoverObserver(pino({ level: 'silent' }), createMetrics(0)),
    identity: { nodeId: 'node0', accountId: 'pool.test' },
  });
  try {
    const served: unknown = (await app.inject({ method: 'GET', url: '/ui/chart.json' })).json();
    assert.deepEqual(served, JSON.parse(JSON.stringify(chartGraph(failoverMachine))), '/ui/chart.json is the machine itself');
    // elkjs's bundle is streamed from node_modules on request, not held in the daemon's memory.
    const elk = await app.inject({ method: 'GET', url: '/ui/vendor/elk.bundled.js' });
    assert.equal(elk.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(elk.body, readFileSync(createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js'), 'utf8'));
  } finally {
    await app.close();
  }
});
