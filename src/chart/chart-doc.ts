/**
 * The generated part of docs/failover-algorithm.md: it lives between two markers so the prose around
 * it survives regeneration. Used by scripts/generate-chart-doc.ts and by the test that keeps the doc true.
 */
import type { AnyStateMachine } from 'xstate';
import { chartGraph, toMermaid, toTransitionTables } from './chart-graph.js';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED CHART (npm run docs:chart; edits here are overwritten) -->';
export const END_MARKER = '<!-- END GENERATED CHART -->';

/** The text that belongs between the markers for this machine. */
export function renderChartBlock(machine: AnyStateMachine): string {
  const graph = chartGraph(machine);
  return [
    '```mermaid',
    toMermaid(graph),
    '```',
    '',
    `${graph.nodes.length} states, ${graph.edges.length} transitions. Candidates for one event are tried top to bottom;`,
    'a state without a matching candidate defers to its parent, and "(any state)" is the machine itself.',
    '',
    toTransitionTables(graph),
  ].join('\n');
}

/** `document` with the block between the markers replaced; throws if the markers are missing. */
export function replaceGeneratedBlock(document: string, block: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`markers not found: the document needs ${BEGIN_MARKER} ... ${END_MARKER}`);
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n${block}\n${document.slice(end)}`;
}

/** The block currently between the markers (null if there are none). */
export function generatedBlockOf(document: string): string | null {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) return null;
  return document.slice(begin + BEGIN_MARKER.length, end).replace(/^\n/, '').replace(/\n$/, '');
}
