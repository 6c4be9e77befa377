/**
 * Which reports were measured on today's code, judged with git (docs/figures.md): a report is current when
 * the daemon's code (CODE_PATHS) at its commit is the same tree as at the last commit that changed it. Tree
 * equality rather than ancestry: a later commit to tests, docs or scripts does not age a figure, and the
 * order in which branches were merged does not matter; any change to the daemon does.
 */
import { execFileSync } from 'node:child_process';
import type { FiguresBlock } from './block.js';
import type { Freshness, Judgement } from './section.js';

export const CODE_PATHS = ['src', 'services', 'machines'] as const;

type Git = (...args: string[]) => string;

/** git in `root`; throws with git's message when it fails. */
export function gitIn(root: string): Git {
  return (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function succeeds(git: Git, ...args: string[]): boolean {
  try {
    git(...args);
    return true;
  } catch {
    return false;
  }
}

/** The short hash of the last commit that changed CODE_PATHS, checked to hold HEAD's code (else HEAD's hash). */
export function lastCodeCommit(git: Git): string {
  const last = git('log', '-1', '--format=%h', 'HEAD', '--', ...CODE_PATHS);
  if (last !== '' && sameCode(git, last, 'HEAD')) return last;
  return git('rev-parse', '--short', 'HEAD');
}

export function sameCode(git: Git, a: string, b: string): boolean {
  return succeeds(git, 'diff', '--quiet', a, b, '--', ...CODE_PATHS);
}

/** Whether `commit` names a commit this clone has (a shallow or fresh clone may lack an old one). */
export function hasCommit(git: Git, commit: string): boolean {
  return succeeds(git, 'rev-parse', '--verify', '--quiet', `${commit}^{commit}`);
}

/** A block's commit as git-revision.ts writes it: a hash, maybe with " + local changes"; null when it is neither. */
export function parseRevision(commit: string): { hash: string; localChanges: boolean } | null {
  const m = /^([0-9a-f]{7,40})( \+ local changes)?$/.exec(commit);
  return m === null ? null : { hash: m[1]!, localChanges: m[2] !== undefined };
}

export function freshnessOf(git: Git, commit: string, codeCommit: string): Freshness {
  const revision = parseRevision(commit);
  if (revision === null) return 'unknown commit';
  if (revision.localChanges) return 'local changes';
  if (!hasCommit(git, revision.hash)) return 'unknown commit';
  return sameCode(git, revision.hash, codeCommit) ? 'current' : 'older';
}

export function judge(git: Git, blocks: ReadonlyArray<{ path: string; block: FiguresBlock | null }>): Judgement {
  const codeCommit = lastCodeCommit(git);
  const reports: Judgement['reports'] = {};
  for (const { path, block } of blocks) {
    if (block !== null) reports[path] = { commit: block.commit, freshness: freshnessOf(git, block.commit, codeCommit) };
  }
  return { codeCommit, reports };
}
