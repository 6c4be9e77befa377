/**
 * Which shapes and arrows of the chart to highlight for a view: the active leaf state with all its
 * ancestors, and the arrow of the last recorded transition. Pure functions of the chart and the view,
 * generic over nesting: states are resolved by their path below the machine, never by known names.
 */
import type { ChartGraph } from '../../chart/chart-types.js';
import type { PageView } from '../page-view.js';
import { initialArrowId } from './chart-layout.js';

export interface Highlight {
  /** The active leaf state's id. */
  current: string | null;
  /** The current state and every ancestor of it. */
  active: Set<string>;
  /** Arrows that can have made the last transition (several only when the chart cannot tell them apart). */
  recent: Set<string>;
}

/**
 * The id of a state given as the observer names it: a path below the machine ("Validating.Leased") or
 * a state's own name, which may sit at any depth ("Validating" inside a parent "Running").
 */
export function resolveState(graph: ChartGraph, name: string | null): string | null {
  if (name === null || name === '') return null;
  const exact = `${graph.machineId}.${name}`;
  if (graph.nodes.some((n) => n.id === exact)) return exact;
  const matches = graph.nodes.filter((n) => n.id.endsWith(`.${name}`)).sort((a, b) => a.id.length - b.id.length);
  return matches[0]?.id ?? null;
}

/** `id` is `ancestor` or lies inside it. */
export function isWithin(graph: ChartGraph, id: string, ancestor: string): boolean {
  for (let node = graph.nodes.find((n) => n.id === id); node; node = graph.nodes.find((n) => n.id === node.parent)) {
    if (node.id === ancestor) return true;
  }
  return ancestor === graph.machineId;
}

function ancestorsOf(graph: ChartGraph, id: string): Set<string> {
  return new Set(graph.nodes.filter((n) => isWithin(graph, id, n.id)).map((n) => n.id));
}

/**
 * Arrows that fit the last transition: same event, declared on the state left (or on one of its
 * ancestors, or on one of its substates), and leading into the state entered.
 */
function recentEdges(graph: ChartGraph, view: PageView): Set<string> {
  const last = view.transitions[view.transitions.length - 1];
  if (last === undefined) return new Set();
  const to = resolveState(graph, last.to);
  if (to === null) return new Set();
  if (last.from === null) return new Set([initialArrowId(graph.machineId)]);
  const from = resolveState(graph, last.from);
  if (from === null) return new Set();
  const fits = graph.edges.filter(
    (e) =>
      e.event === last.cause &&
      e.target !== null &&
      isWithin(graph, e.target, to) &&
      (isWithin(graph, from, e.source) || isWithin(graph, e.source, from)),
  );
  return new Set(fits.map((e) => e.id));
}

export function highlightFor(graph: ChartGraph, view: PageView): Highlight {
  const current = resolveState(graph, view.detail) ?? resolveState(graph, view.state);
  return {
    current,
    active: current === null ? new Set() : ancestorsOf(graph, current),
    recent: recentEdges(graph, view),
  };
}
