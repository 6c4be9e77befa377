/**
 * Rewrites README.md's figures section from the figures blocks of the reports in docs/ (npm run docs:figures),
 * judging with git which reports were measured on today's code (scripts/figures/code-freshness.ts).
 * With --check it changes nothing and exits 1 when the section is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/repo-root.js';
import { gitIn, judge } from './figures/code-freshness.js';
import { readReports } from './figures/reports.js';
import { renderFiguresSection, replaceFiguresSection } from './figures/section.js';

const README = join(REPO_ROOT, 'README.md');

try {
  const reports = readReports(REPO_ROOT);
  const judgement = judge(gitIn(REPO_ROOT), reports);
  const current = readFileSync(README, 'utf8');
  const next = replaceFiguresSection(current, renderFiguresSection(reports, judgement));
  const onToday = Object.entries(judgement.reports).filter(([, j]) => j.freshness === 'current').map(([path]) => path);
  const summary = `${onToday.length} report(s) on today's code (${onToday.join(', ') || 'none'}; daemon code of ${judgement.codeCommit})`;
  if (next === current) {
    console.log(`README.md figures: up to date; ${summary}`);
  } else if (process.argv.includes('--check')) {
    console.error('README.md figures are stale: run npm run docs:figures');
    process.exitCode = 1;
  } else {
    writeFileSync(README, next);
    console.log(`README.md figures: written; ${summary}`);
  }
} catch (error) {
  console.error(`docs:figures: ${(error as Error).message}`);
  process.exitCode = 2;
}
