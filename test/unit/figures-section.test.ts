/**
 * README's figures section (scripts/figures/section.ts): each report's status said plainly, figures copied
 * with median, p95, max, what they are over, the commit and the command; the judgement it was rendered with
 * recorded so it can be rendered again; regeneration touches only the section.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statsFigure, valueFigure, type FiguresBlock } from '../../scripts/figures/block.js';
import type { ReportInput } from '../../scripts/figures/reports.js';
import { BEGIN_MARKER, END_MARKER, figuresSectionOf, judgementOf, renderFiguresSection, replaceFiguresSection, type Judgement } from '../../scripts/figures/section.js';

const block = (commit: string): FiguresBlock => ({
  version: 1,
  commit,
  command: 'npm run bench:switchover -- --count 50',
  date: '2026-12-09T10:00:00.000Z',
  figures: [
    statsFigure('hot swap, in a window: gap', { n: 49, median: 41, p95: 88, max: 102 }, { unit: 's', digits: 2, of: 'switchovers', scale: 1 / 1000, outOf: 50 }),
    valueFigure('hot swap, in a window: blocks and chunks missed', 0, 49, 'switchovers'),
    valueFigure('one of one', 1, 1, 'windows'),
    valueFigure('leak: series failing', 0, 1, 'series'),
  ],
});
const source = (path: string, title: string, exists: boolean, b: FiguresBlock | null): ReportInput => ({ path, title, script: `npm run ${title}`, exists, block: b });

const reports: ReportInput[] = [
  source('docs/a.md', 'A', false, null),
  source('docs/b.md', 'B', true, null),
  source('docs/c.md', 'C', true, block('c0ffee1')),
  source('docs/d.md', 'D', true, block('d00d123')),
  source('docs/e.md', 'E', true, block('e11e123 + local changes')),
  source('docs/f.md', 'F', true, block('f00f123')),
];
const judgement: Judgement = {
  codeCommit: '1234567',
  reports: {
    'docs/c.md': { commit: 'c0ffee1', freshness: 'current' },
    'docs/d.md': { commit: 'd00d123', freshness: 'older' },
    'docs/e.md': { commit: 'e11e123 + local changes', freshness: 'local changes' },
    'docs/f.md': { commit: 'f00f123', freshness: 'unknown commit' },
  },
};

describe('figures section', () => {
  const section = renderFiguresSection(reports, judgement);
  const row = (title: string) => section.split('\n').find((l) => l.startsWith(`| [${title}](`)) ?? '';

  test('every report has a status; only a report on today\'s code is called so', () => {
    assert.match(row('A'), /\*\*not measured on today's code yet\*\*: no report yet \(`npm run A` writes it\) \| - \| - \|$/);
    assert.match(row('B'), /\*\*not measured on today's code yet\*\*: this report was written before its script wrote a figures block/);
    assert.match(row('C'), /^\| \[C\]\(docs\/c\.md\) \| \*\*on today's code\*\* \| c0ffee1 \| `npm run bench:switchover -- --count 50` \|$/);
    assert.match(row('D'), /not measured on today's code yet\*\*: the daemon's code at d00d123 is not the code of 1234567/);
    assert.match(row('E'), /not measured on today's code yet\*\*: measured with uncommitted changes/);
    assert.match(row('F'), /not measured on today's code yet\*\*: its commit \(f00f123\) is not in this repository's history/);
    assert.deepEqual(section.split('\n').filter((l) => l.includes("| **on today's code** |")).map((l) => l.slice(0, 5)), ['| [C]']);
  });

  test('a regenerated report\'s figures: median, p95, max, or the value, and what they are over', () => {
    assert.match(section, /\*\*\[C\]\(docs\/c\.md\)\*\* \(\*\*on today's code\*\*\): commit c0ffee1, `npm run bench:switchover -- --count 50`, 2026-12-09T10:00:00.000Z\./);
    assert.ok(section.includes('| hot swap, in a window: gap (s) | 0.04 | 0.09 | 0.10 | | 49 of 50 switchovers |'));
    assert.ok(section.includes('| hot swap, in a window: blocks and chunks missed | | | | 0 | 49 switchovers |'));
    assert.ok(section.includes('| one of one | | | | 1 | 1 window |'));
    assert.ok(section.includes('| leak: series failing | | | | 0 | 1 series |'));
    // Older reports' figures are shown too, under their status; none for reports without a block.
    assert.equal(section.match(/\| hot swap, in a window: gap \(s\)/g)?.length, 4);
  });

  test('the judgement is recorded and read back, so the section can be rendered again without git', () => {
    assert.deepEqual(judgementOf(section), judgement);
    assert.equal(renderFiguresSection(reports, judgementOf(section)), section);
  });

  test('a report regenerated since, or one never judged, asks for npm run docs:figures', () => {
    const moved = reports.map((r) => (r.path === 'docs/c.md' ? { ...r, block: block('c0ffee2') } : r));
    assert.throws(() => renderFiguresSection(moved, judgement), /docs\/c\.md: judged for commit c0ffee1, but the report now names c0ffee2: run npm run docs:figures/);
    const fresh = [...reports, source('docs/g.md', 'G', true, block('aaaaaaa'))];
    assert.throws(() => renderFiguresSection(fresh, judgement), /docs\/g\.md: no judgement recorded for it: run npm run docs:figures/);
    assert.throws(() => judgementOf('no judgement here'), /has no "<!-- judged:" line: run npm run docs:figures/);
    assert.throws(() => judgementOf('<!-- judged: {"codeCommit":"x","reports":{"a":{"commit":"y","freshness":"fresh"}}} -->'), /judgement line is malformed/);
  });

  test('regeneration replaces the section and keeps the prose around it', () => {
    const readme = `# Title\n\nprose before\n\n${BEGIN_MARKER}\nold figures: 0.04 s\n${END_MARKER}\n\nprose after\n`;
    const next = replaceFiguresSection(readme, section);
    assert.ok(next.startsWith(`# Title\n\nprose before\n\n${BEGIN_MARKER}\n`));
    assert.ok(next.endsWith(`\n${END_MARKER}\n\nprose after\n`));
    assert.equal(figuresSectionOf(next), section);
    assert.equal(figuresSectionOf('# no markers'), null);
    assert.throws(() => replaceFiguresSection('# no markers', section), /README\.md has no figures section: it needs the lines <!-- BEGIN GENERATED FIGURES/);
  });
});
