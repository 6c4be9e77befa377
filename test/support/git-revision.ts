// The commit a report's figures were measured on: `git rev-parse --short HEAD`, marked "+ local changes"
// when tracked files outside docs/ differ from it (untracked files and docs, e.g. a report being written
// during a long run, change no figure). Take it when a run starts: commits made during it are not measured.
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

export function gitRevision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs') === '' ? commit : `${commit} + local changes`;
  } catch {
    return 'unknown (no git)';
  }
}
