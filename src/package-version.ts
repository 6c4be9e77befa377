/**
 * The version of this kuutamod-ts package (package.json "version"), for kuutamod_build_info. Read at
 * run time from the package.json above this module, which npm installs with every package, so the
 * metric names the version that really runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.js';

function readPackageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error(`${join(REPO_ROOT, 'package.json')} has no "version" string`);
  return manifest.version;
}

export const PACKAGE_VERSION = readPackageVersion();
