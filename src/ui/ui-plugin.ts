/**
 * The live state page at /ui: the failover chart read from the machine definition (GET /ui/chart.json)
 * and laid out in the browser by elkjs, the current state, recent transitions, session, lock and neard,
 * pushed to the browser with server-sent events (GET /ui/events) fed by the FailoverObserver; the pool table
 * (GET /ui/members.json) and the timeline of validator changes (GET /ui/history.json) are polled.
 * Everything is served from here (page modules from dist/browser, elkjs from node_modules): no CDN.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AnyStateMachine } from 'xstate';
import { chartGraph, type ChartGraph } from '../chart/chart-graph.js';
import type { FailoverObserver } from '../failover-observer.js';
import { buildStateView, STATE_VIEW_SCHEMA } from '../state-view.js';
import { PAGE_HTML } from './assets/page-html.js';
import { STYLE_CSS } from './assets/style-css.js';
import { loadBrowserAssets, type BrowserAssets } from './browser-assets.js';
import { EventStreams } from './event-streams.js';
import type { PageView } from './page-view.js';
import type { PoolTable } from './pool-table.js';
import { historyTableOf } from '../history-table-rows.js';
import type { HistoryView } from '../history-view.js';

export interface UiPluginOptions {
  observer: FailoverObserver;
  identity: { nodeId: string; accountId: string };
  /** The chart to draw: the daemon's failoverMachine. */
  machine: AnyStateMachine;
  /** The pool table (GET /ui/members.json), cached by the caller (pool-table-cache.ts); absent: 404. */
  pool?: () => Promise<PoolTable>;
  /** The pool's history (GET /ui/history.json shows it as the timeline's rows), cached by the caller; absent: 404. */
  history?: () => Promise<HistoryView>;
}

export const uiPlugin: FastifyPluginAsync<UiPluginOptions> = async (app: FastifyInstance, { observer, identity, machine, pool, history }) => {
  const graph: ChartGraph = chartGraph(machine);
  // A missing build breaks the page, never the daemon: /ui then says what to run.
  let assets: BrowserAssets | null = null;
  let assetsError = '';
  try {
    assets = loadBrowserAssets();
  } catch (error) {
    assetsError = error instanceof Error ? error.message : String(error);
    app.log.warn(assetsError);
  }
  // What the page's modules read (src/ui/browser/ checks against the same PageView).
  const view = (): PageView => buildStateView(observer, identity);
  const streams = new EventStreams();
  // One subscription for all browsers; only a changed view is pushed (STATUS_OK arrives every second).
  let last = '';
  const unsubscribe = observer.onChange(() => {
    const next = JSON.stringify(view());
    if (next === last) return;
    last = next;
    streams.broadcast(next);
  });
  // Open streams would keep server.close() waiting forever: end them first.
  app.addHook('preClose', async () => {
    unsubscribe();
    streams.closeAll();
  });

  app.get('/ui', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE_HTML));
  app.get('/ui/', async (_request, reply) => reply.redirect('/ui'));
  const moduleRoute = { schema: { params: { type: 'object', properties: { file: { type: 'string', pattern: '^[\\w-]+\\.js$' } }, required: ['file'] } } };
  app.get<{ Params: { file: string } }>('/ui/app/:file', moduleRoute, async (request, reply) => {
    if (assets === null) return reply.code(503).type('text/plain; charset=utf-8').send(`${assetsError}\n`);
    const source = assets.modules.get(request.params.file);
    if (source === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('no such module\n');
    return reply.type('text/javascript; charset=utf-8').send(source);
  });
  app.get('/ui/vendor/elk.bundled.js', async (_request, reply) =>
    assets === null
      ? reply.code(503).type('text/plain; charset=utf-8').send(`${assetsError}\n`)
      : reply.type('text/javascript; charset=utf-8').send(createReadStream(assets.elkPath)),
  );
  app.get('/ui/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLE_CSS));
  app.get('/ui/chart.json', async () => graph);
  app.get('/ui/state.json', { schema: { response: { 200: STATE_VIEW_SCHEMA } } }, async () => view());
  // The page polls it each second: Consul is read at most that often, however many tabs are open.
  app.get('/ui/members.json', async (_request, reply) => (pool === undefined ? reply.code(404).send({ error: 'no pool source' }) : pool()));
  // The timeline: the same rows as `kuutamoctl history`, from the cached view (Consul read at most once a second).
  app.get('/ui/history.json', async (_request, reply) => (history === undefined ? reply.code(404).send({ error: 'no history source' }) : historyTableOf(await history())));
  app.get('/ui/events', (request, reply) => {
    reply.hijack();
    streams.open(reply.raw, request.raw, JSON.stringify(view()));
  });
};
