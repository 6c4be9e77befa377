/**
 * README.md's figures section is exactly what `npm run docs:figures` writes from the reports in docs/, with
 * the judgement the section recorded: a number typed into README, or a report regenerated without running
 * the script, fails here. Files only, no git (test/integration/readme-figures-git.test.ts checks the
 * judgement itself).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readReports } from '../../scripts/figures/reports.js';
import { figuresSectionOf, judgementOf, renderFiguresSection } from '../../scripts/figures/section.js';
import { REPO_ROOT } from '../support/paths.js';

test("README's figures section is the one the reports in docs/ give", () => {
  const section = figuresSectionOf(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
  assert.ok(section !== null, 'README.md has no figures section (<!-- BEGIN GENERATED FIGURES ... --> ... <!-- END GENERATED FIGURES -->)');
  const expected = renderFiguresSection(readReports(REPO_ROOT), judgementOf(section));
  assert.equal(section, expected, "README.md's figures differ from the reports' figures blocks: run npm run docs:figures");
});
