// The commit a report's figures were measured on: `git rev-parse --short HEAD`, marked "+ local changes"
// when tracked files differ from it (untracked files, e.g. a report being written, do not count).
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

export function gitRevision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit} + local changes`;
  } catch {
    return 'unknown (no git)';
  }
}
