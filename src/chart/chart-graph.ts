/**
 * The failover chart as plain data, read from the machine definition itself (never drawn by hand):
 * one node per state node, one edge per transition candidate. The docs generator turns it into Mermaid,
 * the state page draws it as SVG, the model-based test counts coverage against it.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { ChartEdge, ChartGraph, ChartNode } from './chart-types.js';

export type { ChartEdge, ChartGraph, ChartNode } from './chart-types.js';

function nameOf(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'function') return (item as { type?: string }).type ?? (item.name || 'inline');
  if (item && typeof item === 'object' && 'type' in item) return String(item.type);
  return 'inline';
}

/** Internal actions XState adds for `after` (scheduling raises) are noise for a reader. */
const named = (actions: readonly unknown[]): string[] => actions.map(nameOf).filter((name) => !name.startsWith('xstate.'));

function edgeLabel(event: string, delay: string | null, guard: string | null): string {
  const head = delay === null ? event : `after ${delay}`;
  return guard === null ? head : `${head} [${guard}]`;
}

function edgesOf(node: AnyStateNode): ChartEdge[] {
  const delays = new Map<string, string>(node.after.map((d) => [d.eventType, String(d.delay)]));
  const edges: ChartEdge[] = [];
  for (const [event, candidates] of node.transitions as Map<string, AnyTransitionDefinition[]>) {
    candidates.forEach((t, index) => {
      const delay = delays.get(event) ?? null;
      const guard = t.guard === undefined ? null : nameOf(t.guard);
      edges.push({
        id: `${node.id}|${event}|${index}`,
        source: node.id,
        target: t.target?.[0]?.id ?? null,
        event,
        delay,
        guard,
        actions: named(t.actions),
        reenter: Boolean(t.reenter),
        label: edgeLabel(event, delay, guard),
      });
    });
  }
  return edges;
}

/** The chart of `machine` as plain JSON-safe data. */
export function chartGraph(machine: AnyStateMachine): ChartGraph {
  const root = machine.root;
  const nodes: ChartNode[] = [];
  const edges: ChartEdge[] = edgesOf(root);
  const visit = (node: AnyStateNode, parent: string | null): void => {
    nodes.push({
      id: node.id,
      key: node.key,
      parent,
      type: node.type,
      initial: node.initial?.target?.[0]?.id ?? null,
      entry: named(node.entry),
      exit: named(node.exit),
    });
    edges.push(...edgesOf(node));
    for (const child of Object.values(node.states)) visit(child, node.id);
  };
  for (const child of Object.values(root.states)) visit(child, null);
  return { machineId: root.id, initial: root.initial?.target?.[0]?.id ?? '', nodes, edges };
}

/** Mermaid ids: the path below the machine, dots replaced (Mermaid ids cannot contain dots). */
function mermaidId(graph: ChartGraph, id: string): string {
  return id.slice(graph.machineId.length + 1).replaceAll('.', '_');
}

/**
 * Transitions declared on the machine itself hold in every state: draw them from each top-level
 * state, except the target and states that handle the event themselves without a guard.
 */
function expandRootEdge(graph: ChartGraph, edge: ChartEdge): ChartEdge[] {
  if (edge.source !== graph.machineId || edge.target === null) return [edge];
  const tops = graph.nodes.filter((n) => n.parent === null && n.id !== edge.target);
  const shadows = (top: ChartNode) => graph.edges.some((e) => e.source === top.id && e.event === edge.event && e.guard === null);
  return tops.filter((top) => !shadows(top)).map((top) => ({ ...edge, source: top.id }));
}

/** A Mermaid stateDiagram-v2 of every state and every state-changing transition (targetless ones are in the table). */
export function toMermaid(graph: ChartGraph): string {
  const lines: string[] = ['stateDiagram-v2'];
  const id = (nodeId: string) => mermaidId(graph, nodeId);
  const arrows = new Map<string, { parent: string | null; labels: string[] }>();
  for (const edge of graph.edges.flatMap((e) => expandRootEdge(graph, e))) {
    if (edge.target === null) continue;
    const source = graph.nodes.find((n) => n.id === edge.source);
    const target = graph.nodes.find((n) => n.id === edge.target);
    // An arrow between two children of the same compound state is drawn inside that state's block.
    const parent = source && target && source.parent === target.parent ? source.parent : null;
    const key = `${id(edge.source)} --> ${id(edge.target)}`;
    const arrow = arrows.get(key) ?? { parent, labels: [] };
    arrow.labels.push(edge.label);
    arrows.set(key, arrow);
  }
  const arrowLines = (parent: string | null, indent: string) =>
    [...arrows].filter(([, a]) => a.parent === parent).map(([key, a]) => `${indent}${key}: ${a.labels.join('<br/>')}`);
  const block = (parent: string | null, indent: string): void => {
    const children = graph.nodes.filter((n) => n.parent === parent);
    const initial = parent === null ? graph.initial : graph.nodes.find((n) => n.id === parent)?.initial;
    if (initial) lines.push(`${indent}[*] --> ${id(initial)}`);
    for (const child of children) {
      const hasChildren = graph.nodes.some((n) => n.parent === child.id);
      const alias = parent === null ? '' : `state "${child.key}" as ${id(child.id)}`;
      if (hasChildren) {
        lines.push(parent === null ? `${indent}state ${id(child.id)} {` : `${indent}${alias} {`);
        block(child.id, `${indent}  `);
        lines.push(`${indent}}`);
      } else if (alias) {
        lines.push(`${indent}${alias}`);
      } else {
        lines.push(`${indent}${id(child.id)}`);
      }
      if (child.type === 'final') lines.push(`${indent}${id(child.id)} --> [*]`);
    }
    if (parent !== null) lines.push(...arrowLines(parent, indent));
  };
  block(null, '  ');
  lines.push(...arrowLines(null, '  '));
  return lines.join('\n');
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** Markdown tables: every state with its entry/exit actions, every transition candidate in priority order. */
export function toTransitionTables(graph: ChartGraph): string {
  const short = (nodeId: string | null) => (nodeId === null ? '' : nodeId === graph.machineId ? '(any state)' : nodeId.slice(graph.machineId.length + 1));
  const states = [
    '| state | type | entry | exit |',
    '|---|---|---|---|',
    ...graph.nodes.map((n) => `| ${short(n.id)} | ${n.type} | ${n.entry.join(', ')} | ${n.exit.join(', ')} |`),
  ];
  const transitions = [
    '| in state | event | guard | to | actions |',
    '|---|---|---|---|---|',
    ...graph.edges.map((e) => {
      const event = e.delay === null ? `\`${e.event}\`` : `after \`${e.delay}\``;
      const to = e.target === null ? '(stays)' : `${short(e.target)}${e.reenter ? ' (re-entered)' : ''}`;
      return `| ${short(e.source)} | ${event} | ${cell(e.guard ?? '')} | ${to} | ${cell(e.actions.join(', '))} |`;
    }),
  ];
  return [...states, '', ...transitions].join('\n');
}
