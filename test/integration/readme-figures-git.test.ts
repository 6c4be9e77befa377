/**
 * The "today's code" judgement of README's figures (scripts/figures/code-freshness.ts) with real git: first on
 * a scratch repository (a change to the daemon's code ages a report, a change to tests does not, uncommitted
 * changes and unknown commits are never current), then the judgement README.md recorded, checked against this
 * clone's history. A clone without the commits it names (shallow) skips that part and says so.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freshnessOf, gitIn, hasCommit, judge, lastCodeCommit, sameCode } from '../../scripts/figures/code-freshness.js';
import { figuresSectionOf, judgementOf } from '../../scripts/figures/section.js';
import { REPO_ROOT } from '../support/paths.js';

describe('today\'s code, judged on a scratch repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'figures-git-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const raw = gitIn(dir);
  const git = (...args: string[]) => raw('-c', 'user.name=figures test', '-c', 'user.email=figures@test', '-c', 'commit.gpgsign=false', ...args);
  const commit = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
    git('add', '-A');
    git('commit', '-q', '-m', `change ${file}`);
    return git('rev-parse', '--short', 'HEAD');
  };
  git('init', '-q');
  const a = commit('src/daemon.ts', 'one');
  const testsOnly = commit('test/x.test.ts', 'a test');
  const b = commit('machines/chart.ts', 'a chart');
  const docsOnly = commit('docs/report.md', 'a report');

  test('a report is current when the daemon code at its commit is the code of the last commit that changed it', () => {
    assert.equal(lastCodeCommit(git), b);
    assert.equal(freshnessOf(git, b, b), 'current');
    assert.equal(freshnessOf(git, docsOnly, b), 'current', 'a later docs-only commit has the same daemon code');
    assert.equal(freshnessOf(git, a, b), 'older');
    assert.equal(freshnessOf(git, testsOnly, b), 'older', 'a commit before the chart change, though after a test change');
  });

  test('uncommitted changes, a commit this clone lacks, or no commit at all are never current', () => {
    assert.equal(freshnessOf(git, `${b} + local changes`, b), 'local changes');
    assert.equal(freshnessOf(git, 'deadbee', b), 'unknown commit');
    assert.equal(freshnessOf(git, 'unknown (no git)', b), 'unknown commit');
    assert.equal(hasCommit(git, b), true);
  });

  test('judge: every report with a block, against the last code commit', () => {
    const block = (c: string) => ({ version: 1 as const, commit: c, command: 'npm run x', date: '2026-12-09', figures: [] });
    assert.deepEqual(judge(git, [{ path: 'docs/a.md', block: block(docsOnly) }, { path: 'docs/b.md', block: block(a) }, { path: 'docs/c.md', block: null }]), {
      codeCommit: b,
      reports: { 'docs/a.md': { commit: docsOnly, freshness: 'current' }, 'docs/b.md': { commit: a, freshness: 'older' } },
    });
  });
});

test("README's recorded judgement holds in this clone's history", (t) => {
  const section = figuresSectionOf(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
  assert.ok(section !== null, 'README.md has no figures section');
  const judgement = judgementOf(section);
  const git = gitIn(REPO_ROOT);
  try {
    git('rev-parse', 'HEAD');
  } catch {
    t.skip('not a git clone: nothing to check the judgement against');
    return;
  }
  if (!hasCommit(git, judgement.codeCommit)) {
    t.skip(`this clone lacks commit ${judgement.codeCommit} (shallow?): the judgement is not checked`);
    return;
  }
  for (const [path, recorded] of Object.entries(judgement.reports)) {
    const actual = freshnessOf(git, recorded.commit, judgement.codeCommit);
    if (actual === 'unknown commit' && recorded.freshness !== 'unknown commit') {
      t.diagnostic(`${path}: this clone lacks commit ${recorded.commit}: its status is not checked`);
      continue;
    }
    assert.equal(actual, recorded.freshness, `${path} (commit ${recorded.commit}) is recorded as ${recorded.freshness} but is ${actual}: run npm run docs:figures`);
  }
  const current = Object.entries(judgement.reports).filter(([, r]) => r.freshness === 'current').map(([path]) => path);
  if (current.length > 0) {
    assert.ok(
      sameCode(git, judgement.codeCommit, 'HEAD'),
      `README calls ${current.join(', ')} measured on today's code, but the daemon's code changed after ${judgement.codeCommit} (the section's judgement): run npm run docs:figures`,
    );
  }
});
