/**
 * Which neard the localnet runs: $LOCALNET_NEARD (a path, or "standin"), else a real `neard` found
 * on PATH, else the stand-in (localnet/bin/neard). The stand-in answers `--version` with a
 * "-standin" build, so a PATH that leads to it is not mistaken for the real thing.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { REPO_ROOT, fromRepo } from './paths.js';

export type NeardKind = 'real' | 'standin';

export interface NeardChoice {
  kind: NeardKind;
  /** As passed to processes (repo-relative when inside the repository). */
  bin: string;
  version: string;
  /** One line for the operator: which neard runs and why. */
  reason: string;
}

export const STANDIN_BIN = join(REPO_ROOT, 'localnet', 'bin', 'neard');

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function versionOf(bin: string): string {
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) {
    throw new Error(`'${bin} --version' failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

function choice(bin: string, why: string): NeardChoice {
  const version = versionOf(bin);
  const kind: NeardKind = /standin/.test(version) ? 'standin' : 'real';
  const what = kind === 'real' ? 'the real neard' : 'the neard stand-in';
  return { kind, bin: fromRepo(bin), version, reason: `${what} ${fromRepo(bin)} [${version}], ${why}` };
}

export function chooseNeard(env: NodeJS.ProcessEnv = process.env): NeardChoice {
  const forced = env['LOCALNET_NEARD'];
  if (forced === 'standin') return choice(STANDIN_BIN, 'as LOCALNET_NEARD=standin asks');
  if (forced) return choice(resolve(forced), 'from LOCALNET_NEARD');
  const found = onPath('neard', env);
  if (found) return choice(found, 'found on PATH');
  return choice(STANDIN_BIN, "as no neard is on PATH (put nearcore's neard there to run the real one)");
}
