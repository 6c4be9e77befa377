/**
 * Draws a laid-out chart (chart-layout.ts) as SVG, and moves the highlights when the view changes.
 * Nothing here decides a position: every box, bend and label comes from ELK.
 *
 * Classes the page's CSS and the browser test rely on: `g.state[data-id]` for every state
 * (`.compound`, `.final`, `.active`, `.current`); `g.edge[data-id][data-source][data-target]` for every
 * arrow, with `data-edges` and `data-events` (space-separated) and `.recent`; `text.state-label` and
 * `text.edge-label` for every label.
 */
import { svgElement } from './dom.js';
import { GUARD_INDENT, LABEL_CLASS, LABEL_PAD, type ChartLayout, type PlacedEdge, type PlacedLabel, type PlacedShape, type Point } from './chart-layout.js';
import type { Highlight } from './highlight.js';

export interface DrawnChart {
  states: Map<string, SVGGElement>;
  /** One entry per arrow, with the chart edges it stands for. */
  arrows: Array<{ g: SVGGElement; edgeIds: readonly string[] }>;
  edgeLayer: SVGGElement;
}

const MARGIN = 4;
const CORNER = 8;

function drawLabel(label: PlacedLabel, cssClass: string, parent: Element, background: boolean): void {
  const { box, lines } = label;
  if (background) svgElement('rect', { class: 'label-bg', x: box.x, y: box.y, width: box.width, height: box.height, rx: 3 }, parent);
  // Lines stacked from the top of the box: the measured line height is the text's own box height.
  const lineHeight = (box.height - 2 * LABEL_PAD.y) / lines.length;
  const text = svgElement('text', { class: cssClass, x: box.x + LABEL_PAD.x, y: box.y + LABEL_PAD.y }, parent);
  lines.forEach((line, i) => {
    const guard = line.startsWith('[');
    const x = box.x + LABEL_PAD.x + (guard ? GUARD_INDENT : 0);
    const span = svgElement('tspan', { x, y: box.y + LABEL_PAD.y + i * lineHeight }, text, line);
    if (guard) span.classList.add('guard');
  });
}

function drawShape(shape: PlacedShape, parent: Element): SVGGElement {
  const { box } = shape;
  if (shape.kind === 'initial') {
    const g = svgElement('g', { class: 'pseudo initial', 'data-id': shape.id }, parent);
    svgElement('circle', { cx: box.x + box.width / 2, cy: box.y + box.height / 2, r: box.width / 2 }, g);
    return g;
  }
  const cssClass = shape.kind === 'any-state' ? 'pseudo any-state' : `state ${shape.kind}`;
  const g = svgElement('g', { class: cssClass, 'data-id': shape.id }, parent);
  svgElement('rect', { class: 'box', x: box.x, y: box.y, width: box.width, height: box.height, rx: CORNER }, g);
  if (shape.kind === 'final') {
    svgElement('rect', { class: 'ring', x: box.x + 3, y: box.y + 3, width: box.width - 6, height: box.height - 6, rx: CORNER - 3 }, g);
  }
  const labelClass = shape.kind === 'compound' ? LABEL_CLASS.compound : shape.kind === 'any-state' ? LABEL_CLASS.anyState : LABEL_CLASS.state;
  if (shape.label) drawLabel(shape.label, labelClass, g, false);
  return g;
}

const pathData = (points: readonly Point[]): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');

function drawEdge(edge: PlacedEdge, parent: Element): SVGGElement {
  const g = svgElement('g', { class: 'edge', 'data-id': edge.id, 'data-source': edge.source, 'data-target': edge.target }, parent);
  g.dataset.edges = edge.edgeIds.join(' ');
  g.dataset.events = edge.events.join(' ');
  svgElement('path', { d: pathData(edge.points), 'marker-end': 'url(#arrowhead)' }, g);
  if (edge.label) drawLabel(edge.label, LABEL_CLASS.edge, g, true);
  return g;
}

/** Replaces the content of `svg` with `layout`. */
export function drawChart(svg: SVGSVGElement, layout: ChartLayout): DrawnChart {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `${-MARGIN} ${-MARGIN} ${layout.width + 2 * MARGIN} ${layout.height + 2 * MARGIN}`);
  // Never drawn larger than laid out: text stays at its CSS size, a narrow window scales it down.
  svg.style.maxWidth = `${Math.ceil(layout.width + 2 * MARGIN)}px`;
  const defs = svgElement('defs', {}, svg);
  for (const id of ['arrowhead', 'arrowhead-recent']) {
    const marker = svgElement('marker', { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto', markerUnits: 'userSpaceOnUse' }, defs);
    svgElement('path', { d: 'M0,0 L10,5 L0,10 z' }, marker);
  }

  // Outer boxes first, then arrows over them, then the inner states over the arrows' ends.
  const compounds = svgElement('g', { class: 'compounds' }, svg);
  const edgeLayer = svgElement('g', { class: 'edges' }, svg);
  const leaves = svgElement('g', { class: 'leaves' }, svg);
  const states = new Map<string, SVGGElement>();
  for (const shape of [...layout.shapes].sort((a, b) => a.depth - b.depth)) {
    const g = drawShape(shape, shape.kind === 'compound' ? compounds : leaves);
    if (g.classList.contains('state')) states.set(shape.id, g);
  }
  const arrows = layout.edges.map((edge) => ({ g: drawEdge(edge, edgeLayer), edgeIds: edge.edgeIds }));
  return { states, arrows, edgeLayer };
}

export function showHighlight(chart: DrawnChart, highlight: Highlight): void {
  for (const [id, g] of chart.states) {
    g.classList.toggle('active', highlight.active.has(id));
    g.classList.toggle('current', id === highlight.current);
  }
  for (const { g, edgeIds } of chart.arrows) {
    const recent = edgeIds.some((id) => highlight.recent.has(id));
    g.classList.toggle('recent', recent);
    // Drawn last, so no other arrow crosses over the highlighted one.
    if (recent) chart.edgeLayer.appendChild(g);
  }
}
