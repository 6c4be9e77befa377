/**
 * docs/failover-algorithm.md must show the chart that machines/failover.ts defines: the generated block
 * is compared with a fresh rendering, and its content is checked against the machine's own state nodes
 * and transitions (so a hand edit of the block fails too).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMachine } from 'xstate';
import { failoverMachine } from '../../machines/failover.js';
import { generatedBlockOf, renderChartBlock, replaceGeneratedBlock, BEGIN_MARKER, END_MARKER } from '../../src/chart/chart-doc.js';
import { chartGraph } from '../../src/chart/chart-graph.js';
import { REPO_ROOT } from '../support/paths.js';

const DOC = join(REPO_ROOT, 'docs', 'failover-algorithm.md');
const docBlock = () => generatedBlockOf(readFileSync(DOC, 'utf8'));

test('the chart in docs/failover-algorithm.md is the one failoverMachine defines', () => {
  const block = docBlock();
  assert.ok(block, `${DOC} has no generated block`);
  assert.equal(block, renderChartBlock(failoverMachine), 'docs/failover-algorithm.md is stale: run `npm run docs:chart`');
});

test('every state node and every transition of the machine is in the doc', () => {
  const block = docBlock() ?? '';
  const mermaid = block.slice(block.indexOf('```mermaid'), block.indexOf('```', 10));
  const graph = chartGraph(failoverMachine);
  const short = (id: string) => id.slice(graph.machineId.length + 1);
  for (const node of graph.nodes) {
    assert.ok(mermaid.includes(short(node.id).replaceAll('.', '_')), `state ${node.id} missing from the diagram`);
  }
  for (const edge of graph.edges.filter((e) => e.target !== null)) {
    assert.ok(mermaid.includes(edge.label), `transition ${edge.id} (${edge.label}) missing from the diagram`);
  }
  const rows = block.split('\n').filter((line) => /^\| (\(any state\)|[A-Z])/.test(line));
  assert.equal(rows.length, graph.nodes.length + graph.edges.length, 'one table row per state and per transition');
  for (const edge of graph.edges.filter((e) => e.delay !== null)) {
    assert.ok(block.includes(`after \`${edge.delay}\``), `delayed transition ${edge.id} missing from the table`);
  }
});

test('a different machine renders a different block, and regeneration keeps the prose', () => {
  const other = createMachine({ id: 'failover', initial: 'Startup', states: { Startup: { on: { GO: 'Done' } }, Done: { type: 'final' } } });
  assert.notEqual(renderChartBlock(other), docBlock());
  const document = `# Title\nprose before\n${BEGIN_MARKER}\nold\n${END_MARKER}\nprose after\n`;
  const next = replaceGeneratedBlock(document, renderChartBlock(other));
  assert.ok(next.startsWith('# Title\nprose before\n'));
  assert.ok(next.endsWith(`${END_MARKER}\nprose after\n`));
  assert.equal(generatedBlockOf(next), renderChartBlock(other));
  assert.match(renderChartBlock(other), /Startup --> Done: GO/);
});
