/**
 * The /ui page's entry module: fetches the chart (/ui/chart.json, read from the machine by the server),
 * lays it out with ELK in this browser (see chart-layout.ts for why here), draws it, then follows the
 * daemon's state through server-sent events (/ui/events) without reloading; the pool table beside it polls
 * /ui/members.json (pool-panel.ts), the timeline of validator changes /ui/history.json (history-panel.ts).
 */
import type { ChartGraph } from '../../chart/chart-types.js';
import type { PageView } from '../page-view.js';
import { drawChart, showHighlight, type DrawnChart } from './chart-svg.js';
import { layoutChart } from './chart-layout.js';
import { requireElement } from './dom.js';
import { createElk } from './elk-global.js';
import { renderFacts, renderHeader, renderTransitions } from './facts-panel.js';
import { highlightFor } from './highlight.js';
import { measurerIn } from './measure-text.js';
import { followHistory } from './history-panel.js';
import { followPool } from './pool-panel.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The server is ours, but a stale tab after an upgrade can meet another shape: fail with a message. */
function asChartGraph(value: unknown): ChartGraph {
  if (isRecord(value) && typeof value.machineId === 'string' && Array.isArray(value.nodes) && Array.isArray(value.edges)) {
    return value as unknown as ChartGraph;
  }
  throw new Error('/ui/chart.json is not a chart: reload the page');
}

function asPageView(value: unknown): PageView {
  if (isRecord(value) && typeof value.nodeId === 'string' && Array.isArray(value.transitions)) return value as unknown as PageView;
  throw new Error('/ui/events sent something that is not a state view: reload the page');
}

function render(graph: ChartGraph, chart: DrawnChart, view: PageView): void {
  renderHeader(view);
  showHighlight(chart, highlightFor(graph, view));
  renderFacts(view);
  renderTransitions(view);
}

function follow(onView: (view: PageView) => void): void {
  const status = requireElement('#connection', HTMLElement);
  const source = new EventSource('/ui/events');
  source.onopen = () => {
    status.textContent = 'live';
    status.className = 'connection live';
  };
  // EventSource reconnects on its own (the server asks for a 1 s retry).
  source.onerror = () => {
    status.textContent = 'reconnecting\u2026';
    status.className = 'connection down';
  };
  source.onmessage = (event: MessageEvent<string>) => onView(asPageView(JSON.parse(event.data)));
}

async function start(): Promise<void> {
  // The pool table needs no chart: it starts at once and lives on even if the chart cannot be drawn.
  followPool();
  followHistory();
  const response = await fetch('/ui/chart.json');
  if (!response.ok) throw new Error(`GET /ui/chart.json answered ${response.status}`);
  const graph = asChartGraph(await response.json());
  const svg = requireElement('#chart', SVGSVGElement);
  const layout = await layoutChart(graph, createElk(), measurerIn(svg));
  const chart = drawChart(svg, layout);
  svg.dataset.laidOut = 'true';
  follow((view) => render(graph, chart, view));
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  requireElement('#chart-error', HTMLElement).textContent = `The chart could not be drawn: ${message}`;
  throw error;
});
