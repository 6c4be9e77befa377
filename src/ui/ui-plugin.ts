/**
 * The live state page at /ui: the failover chart drawn from the machine definition (GET /ui/chart.json),
 * the current state, recent transitions, session, lock and neard, pushed to the browser with
 * server-sent events (GET /ui/events) fed by the FailoverObserver. Everything is served from here: no CDN.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AnyStateMachine } from 'xstate';
import { chartGraph, type ChartGraph } from '../chart/chart-graph.js';
import type { FailoverObserver } from '../failover-observer.js';
import { buildStateView } from '../state-view.js';
import { APP_JS } from './assets/app-js.js';
import { PAGE_HTML } from './assets/page-html.js';
import { STYLE_CSS } from './assets/style-css.js';
import { EventStreams } from './event-streams.js';

export interface UiPluginOptions {
  observer: FailoverObserver;
  identity: { nodeId: string; accountId: string };
  /** The chart to draw: the daemon's failoverMachine. */
  machine: AnyStateMachine;
}

export const uiPlugin: FastifyPluginAsync<UiPluginOptions> = async (app: FastifyInstance, { observer, identity, machine }) => {
  const graph: ChartGraph = chartGraph(machine);
  const view = () => buildStateView(observer, identity);
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
  app.get('/ui/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(APP_JS));
  app.get('/ui/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLE_CSS));
  app.get('/ui/chart.json', async () => graph);
  app.get('/ui/state.json', async () => view());
  app.get('/ui/events', (request, reply) => {
    reply.hijack();
    streams.open(reply.raw, request.raw, JSON.stringify(view()));
  });
};
