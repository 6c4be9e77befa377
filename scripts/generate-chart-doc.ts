/**
 * Regenerates the chart in docs/failover-algorithm.md from failoverMachine (npm run docs:chart).
 * With --check it changes nothing and exits 1 when the doc is stale (for CI or a pre-commit hook).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failoverMachine } from '../machines/failover.js';
import { renderChartBlock, replaceGeneratedBlock } from '../src/chart/chart-doc.js';
import { REPO_ROOT } from '../src/repo-root.js';

export const CHART_DOC = join(REPO_ROOT, 'docs', 'failover-algorithm.md');

const check = process.argv.includes('--check');
const current = readFileSync(CHART_DOC, 'utf8');
const next = replaceGeneratedBlock(current, renderChartBlock(failoverMachine));
if (next === current) {
  console.log(`${CHART_DOC}: up to date`);
} else if (check) {
  console.error(`${CHART_DOC} is stale: run npm run docs:chart`);
  process.exitCode = 1;
} else {
  writeFileSync(CHART_DOC, next);
  console.log(`${CHART_DOC}: chart regenerated`);
}
