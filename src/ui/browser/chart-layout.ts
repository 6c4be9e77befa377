/**
 * Lays the failover chart out with ELK's layered algorithm, the way Stately's editor does: compound
 * states are boxes with their substates inside (hierarchy handled in one pass, INCLUDE_CHILDREN), edges
 * are routed orthogonally around the boxes, and every edge label is a box ELK places itself, so labels
 * overlap neither states nor each other. Works for any nesting depth: the tree is read from the
 * chart's parent links, never from known state names.
 *
 * Why in the browser and not once on the server: ELK keeps apart the label boxes it is given, so they
 * must be the boxes that will be drawn. Only the browser knows the font it picked; it measures every
 * label (measure-text.ts) before layout. The cost is elkjs's 1.6 MB bundle, served locally and cached,
 * and well under a second of layout per page load; the daemon does no layout work at all.
 *
 * Pseudo shapes that are not states: one dot per initial state (root and each compound state), and an
 * "any state" box for the transitions declared on the machine itself (they hold in every state).
 */
import type { ELK, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ChartEdge, ChartGraph, ChartNode } from '../../chart/chart-types.js';
import type { MeasureText, Size } from './measure-text.js';

export interface Point {
  x: number;
  y: number;
}
export interface Box extends Point, Size {}

/** A label's box (padding included) and its lines, top to bottom. */
export interface PlacedLabel {
  box: Box;
  /** Lines starting with "[" are guards, drawn GUARD_INDENT to the right under their event. */
  lines: string[];
}

export type ShapeKind = 'state' | 'compound' | 'final' | 'initial' | 'any-state';

export interface PlacedShape {
  /** The state's XState id, or a pseudo id (see initialDotId, anyStateId). */
  id: string;
  kind: ShapeKind;
  box: Box;
  label: PlacedLabel | null;
  /** Nesting depth: 0 for the machine's own children. Outer boxes are drawn first. */
  depth: number;
}

/**
 * One arrow per (source, target) pair: transitions between the same two states share it and list their
 * events in one label (as the Mermaid chart in docs/ does), which halves the wires into Startup.
 */
export interface PlacedEdge {
  /** The first transition's ChartEdge.id, or initialArrowId(parent) for the arrow to an initial state. */
  id: string;
  /** Every ChartEdge.id the arrow stands for (the initial arrow: its own id), in priority order. */
  edgeIds: string[];
  /** Their events, same order; empty for initial arrows. */
  events: string[];
  source: string;
  target: string;
  /** Polyline from the source's border to the target's border (orthogonal bends). */
  points: Point[];
  label: PlacedLabel | null;
}

export interface ChartLayout {
  width: number;
  height: number;
  shapes: PlacedShape[];
  edges: PlacedEdge[];
}

export const initialDotId = (parentId: string): string => `${parentId}:initial`;
export const initialArrowId = (parentId: string): string => `${parentId}:initial-arrow`;
export const anyStateId = (graph: ChartGraph): string => `${graph.machineId}:any-state`;

/** CSS classes the labels are measured and drawn with (style-css.ts). */
export const LABEL_CLASS = { state: 'state-label', compound: 'state-label compound-label', edge: 'edge-label', anyState: 'state-label any-state-label' } as const;

/** Room around the text inside every label box (PlacedLabel.box includes it). */
export const LABEL_PAD = { x: 5, y: 2 };
const STATE_PAD = { x: 16, y: 10 };
const STATE_MIN_WIDTH = 84;
const DOT_SIZE = 12;
/** Room per arrow along a state's side. */
const ARROW_GAP = 16;
const ANY_STATE_TEXT = 'any state';

/** How the chart is laid out (options of the root graph). */
const LEVEL_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  // Back edges are found depth first from the initial dot, following transitions in definition order:
  // the healthy start (Startup -> Syncing -> ... -> Validating) reads top to bottom, the ways back go up.
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '28',
  'elk.spacing.edgeNode': '12',
  'elk.layered.spacing.edgeNodeBetweenLayers': '10',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  'elk.spacing.edgeLabel': '3',
};

/**
 * ELK takes the cycle breaking of a level from that level's own node, not from the root: without this
 * a compound state's inside falls back to the default and can run upside down. (Repeating all of
 * LEVEL_OPTIONS on compound nodes makes elkjs 0.12 throw.)
 */
const NESTED_OPTIONS: Record<string, string> = {
  'elk.layered.cycleBreaking.strategy': LEVEL_OPTIONS['elk.layered.cycleBreaking.strategy']!,
};

const ROOT_OPTIONS: Record<string, string> = {
  ...LEVEL_OPTIONS,
  // Every coordinate in the result relative to the root: drawing needs no offset bookkeeping.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

/** "STATUS_OK" / "after startupTimeout", then the guard on a line of its own. */
export function edgeLabelLines(edge: ChartEdge): string[] {
  const head = edge.delay === null ? edge.event : `after ${edge.delay}`;
  return edge.guard === null ? [head] : [head, `[${edge.guard}]`];
}

/** Indent of a guard line under its event, so a label listing several transitions stays unambiguous. */
export const GUARD_INDENT = 10;
const isGuardLine = (line: string) => line.startsWith('[');

interface Arrow {
  id: string;
  source: string;
  target: string;
  edges: ChartEdge[];
}

/** Transitions grouped by the pair of shapes they connect; root transitions start at the "any state" box. */
function arrowsOf(graph: ChartGraph): Arrow[] {
  const arrows = new Map<string, Arrow>();
  // Targetless transitions only run actions: they are in the transition table (docs/), not arrows.
  for (const edge of graph.edges) {
    if (edge.target === null) continue;
    const source = edge.source === graph.machineId ? anyStateId(graph) : edge.source;
    const key = `${source}>${edge.target}`;
    const arrow = arrows.get(key) ?? { id: edge.id, source, target: edge.target, edges: [] };
    arrow.edges.push(edge);
    arrows.set(key, arrow);
  }
  return [...arrows.values()];
}

function labelSize(lines: readonly string[], cssClass: string, measure: MeasureText): Size {
  const sizes = lines.map((line) => measure(line, cssClass));
  const widths = sizes.map((s, i) => s.width + (isGuardLine(lines[i]!) ? GUARD_INDENT : 0));
  return {
    width: Math.max(...widths) + 2 * LABEL_PAD.x,
    height: sizes.reduce((sum, s) => sum + s.height, 0) + 2 * LABEL_PAD.y,
  };
}

function elkLabel(lines: string[], cssClass: string, measure: MeasureText): ElkLabel & Size {
  return { text: lines.join('\n'), ...labelSize(lines, cssClass, measure) };
}

/** What an ELK node stands for, and the text centred in it (compound states' labels are placed by ELK). */
interface ShapeInfo {
  kind: ShapeKind;
  text: string | null;
  textSize: Size | null;
}

/** The ELK graph of `graph`, every size measured; `shapes` records what each ELK node stands for. */
function toElk(graph: ChartGraph, arrows: readonly Arrow[], measure: MeasureText, shapes: Map<string, ShapeInfo>): ElkNode {
  const hasChildren = (id: string) => graph.nodes.some((n) => n.parent === id);
  const arrowEnds = (id: string) => {
    const drawn = arrows.filter((a) => a.source !== a.target);
    return Math.max(drawn.filter((a) => a.target === id).length, drawn.filter((a) => a.source === id).length);
  };
  const shape = (node: ChartNode): ElkNode => {
    if (hasChildren(node.id)) {
      shapes.set(node.id, { kind: 'compound', text: null, textSize: null });
      const label = elkLabel([node.key], LABEL_CLASS.compound, measure);
      return {
        id: node.id,
        labels: [label],
        layoutOptions: {
          ...NESTED_OPTIONS,
          'elk.nodeLabels.placement': '[H_LEFT, V_TOP, INSIDE]',
          'elk.nodeSize.constraints': '[NODE_LABELS]',
          'elk.padding': `[top=${label.height + 14},left=14,bottom=14,right=14]`,
        },
        children: childrenOf(node.id, node.initial),
      };
    }
    const text = measure(node.key, LABEL_CLASS.state);
    shapes.set(node.id, { kind: node.type === 'final' ? 'final' : 'state', text: node.key, textSize: text });
    // Wide enough for the arrows that end on one side to arrive apart, not as one fan of arrowheads.
    const width = Math.max(STATE_MIN_WIDTH, text.width + 2 * STATE_PAD.x, ARROW_GAP * arrowEnds(node.id));
    return { id: node.id, width, height: text.height + 2 * STATE_PAD.y };
  };
  const childrenOf = (parentId: string, initial: string | null): ElkNode[] => {
    const parent = parentId === graph.machineId ? null : parentId;
    const children: ElkNode[] = [];
    if (initial !== null) {
      shapes.set(initialDotId(parentId), { kind: 'initial', text: null, textSize: null });
      children.push({ id: initialDotId(parentId), width: DOT_SIZE, height: DOT_SIZE });
    }
    for (const node of graph.nodes.filter((n) => n.parent === parent)) children.push(shape(node));
    return children;
  };

  const children = childrenOf(graph.machineId, graph.initial || null);
  const edges: ElkExtendedEdge[] = [];
  if (arrows.some((a) => a.source === anyStateId(graph))) {
    const text = measure(ANY_STATE_TEXT, LABEL_CLASS.anyState);
    shapes.set(anyStateId(graph), { kind: 'any-state', text: ANY_STATE_TEXT, textSize: text });
    children.push({ id: anyStateId(graph), width: text.width + 2 * STATE_PAD.x, height: text.height + 2 * STATE_PAD.y });
  }
  // Arrows into initial states, for the machine and every compound state.
  const initials: Array<[string, string]> = [[graph.machineId, graph.initial], ...graph.nodes.filter((n) => n.initial !== null).map((n): [string, string] => [n.id, n.initial!])];
  for (const [parentId, initial] of initials) {
    if (initial) edges.push({ id: initialArrowId(parentId), sources: [initialDotId(parentId)], targets: [initial] });
  }
  for (const arrow of arrows) {
    const lines = arrow.edges.flatMap(edgeLabelLines);
    edges.push({ id: arrow.id, sources: [arrow.source], targets: [arrow.target], labels: [elkLabel(lines, LABEL_CLASS.edge, measure)] });
  }
  return { id: graph.machineId, layoutOptions: ROOT_OPTIONS, children, edges };
}

const boxOf = (shape: { x?: number; y?: number; width?: number; height?: number }): Box => ({
  x: shape.x ?? 0,
  y: shape.y ?? 0,
  width: shape.width ?? 0,
  height: shape.height ?? 0,
});

function placedLabel(label: ElkLabel | undefined): PlacedLabel | null {
  return label === undefined ? null : { box: boxOf(label), lines: (label.text ?? '').split('\n') };
}

function centredLabel(box: Box, shape: ShapeInfo): PlacedLabel | null {
  if (shape.text === null || shape.textSize === null) return null;
  const width = shape.textSize.width + 2 * LABEL_PAD.x;
  const height = shape.textSize.height + 2 * LABEL_PAD.y;
  return { box: { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height }, lines: [shape.text] };
}

/** Lays `graph` out; `measure` gives the size of each text as the page will draw it. */
export async function layoutChart(graph: ChartGraph, elk: ELK, measure: MeasureText): Promise<ChartLayout> {
  const info = new Map<string, ShapeInfo>();
  const arrows = arrowsOf(graph);
  const laidOut: ElkNode = await elk.layout(toElk(graph, arrows, measure, info));
  const shapes: PlacedShape[] = [];
  const visit = (node: ElkNode, depth: number): void => {
    const shape = info.get(node.id);
    if (shape === undefined) throw new Error(`ELK returned a node the chart does not have: ${node.id}`);
    const box = boxOf(node);
    const label = shape.kind === 'compound' ? placedLabel(node.labels?.[0]) : centredLabel(box, shape);
    shapes.push({ id: node.id, kind: shape.kind, box, label, depth });
    for (const child of node.children ?? []) visit(child, depth + 1);
  };
  for (const child of laidOut.children ?? []) visit(child, 0);
  const byId = new Map(arrows.map((a) => [a.id, a]));
  const edges: PlacedEdge[] = (laidOut.edges ?? []).map((edge) => ({
    id: edge.id,
    edgeIds: byId.get(edge.id)?.edges.map((e) => e.id) ?? [edge.id],
    events: byId.get(edge.id)?.edges.map((e) => e.event) ?? [],
    source: edge.sources[0] ?? '',
    target: edge.targets[0] ?? '',
    points: (edge.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]),
    label: placedLabel(edge.labels?.[0]),
  }));
  return { width: laidOut.width ?? 0, height: laidOut.height ?? 0, shapes, edges };
}
