/**
 * The reports whose figures README.md shows, in the order it shows them, and reading them from docs/.
 * A report that does not exist yet, or has no figures block, is listed as not measured on today's code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFiguresBlock, type FiguresBlock } from './block.js';

export interface ReportSource {
  /** Path from the repository root. */
  path: string;
  title: string;
  /** The npm script that writes it. */
  script: string;
}

export const REPORTS: readonly ReportSource[] = [
  { path: 'docs/chaos-report.md', title: 'Chaos campaign', script: 'npm run chaos' },
  { path: 'docs/chaos-gray-report.md', title: 'Chaos, gray faults', script: 'npm run chaos -- --faults gray --daemons 3' },
  { path: 'docs/switchover-bench.md', title: 'Planned switchovers', script: 'npm run bench:switchover' },
  { path: 'docs/gray-bench.md', title: 'Gray failure bench', script: 'npm run bench:gray' },
  { path: 'docs/soak-report.md', title: 'Soak', script: 'npm run soak' },
  { path: 'docs/soak-leak-report.md', title: 'Leak soak', script: 'npm run soak -- --report docs/soak-leak-report.md' },
  // bench:scale writes a report only when told where; docs/scale.md quotes and discusses it.
  { path: 'docs/scale-report.md', title: 'Scale', script: 'npm run bench:scale -- --report docs/scale-report.md' },
];

export interface ReportInput extends ReportSource {
  exists: boolean;
  block: FiguresBlock | null;
}

/** Every listed report with its block; throws when a block is malformed or sits in a report not listed. */
export function readReports(root: string): ReportInput[] {
  const listed = new Set(REPORTS.map((r) => r.path));
  for (const name of readdirSync(join(root, 'docs'))) {
    const path = `docs/${name}`;
    if (!name.endsWith('.md') || listed.has(path)) continue;
    if (parseFiguresBlock(readFileSync(join(root, path), 'utf8'), path) !== null) {
      throw new Error(`${path} has a figures block but is not one of the reports README shows: add it to REPORTS in scripts/figures/reports.ts`);
    }
  }
  return REPORTS.map((source) => {
    const file = join(root, source.path);
    if (!existsSync(file)) return { ...source, exists: false, block: null };
    return { ...source, exists: true, block: parseFiguresBlock(readFileSync(file, 'utf8'), source.path) };
  });
}
