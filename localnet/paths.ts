/**
 * Where things are: the repository (every localnet process runs with it as cwd, like a Procfile
 * runner does) and the data dir (--data-dir, else $LOCALNET_DATA_DIR, else <repo>/.data).
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../src/repo-root.js';

export { REPO_ROOT };

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag || env['LOCALNET_DATA_DIR'] || '.data';
  return resolve(REPO_ROOT, chosen);
}

/** Paths inside the repository are shown and passed relative to it (processes run there). */
export function fromRepo(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** The layout of a localnet data dir, as kuutamod's tutorial lays it out. */
export interface Layout {
  dataDir: string;
  /** `neard localnet` output: node0..node3 */
  localnetDir: string;
  planFile: string;
  runFile: string;
  logsDir: string;
  /** The stand-ins' shared NEARD_STANDIN_VALIDATOR_LOG; their faults go to `<it>.faults`. */
  validatorLog: string;
  home(name: string): string;
}

export function layout(dataDir: string): Layout {
  const localnetDir = join(dataDir, 'near', 'localnet');
  return {
    dataDir,
    localnetDir,
    planFile: join(dataDir, 'localnet.json'),
    runFile: join(dataDir, 'running.json'),
    logsDir: join(dataDir, 'logs'),
    validatorLog: join(dataDir, 'near', 'validators.jsonl'),
    home: (name) => join(localnetDir, name),
  };
}
