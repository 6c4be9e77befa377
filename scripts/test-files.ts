/**
 * The test files of a tier, one per line, for `node --test $(node dist/scripts/test-files.js <tier>)`
 * (package.json). Read from the source tree (every *.test.ts below test/) and mapped to the compiled
 * files in dist/, so a test that was moved or deleted never runs again from a stale dist/ file.
 *   unit   pure tests, whole tier in seconds: test/unit/
 *   model  test/model/, the model-based test of the failover chart: pure too, but half a minute of CPU
 *   fuzz   the fast-check properties of test/fuzz/
 *   all    every test file (npm test)
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../src/repo-root.js';

const TIERS = {
  unit: (file: string) => file.startsWith('test/unit/'),
  model: (file: string) => file.startsWith('test/model/'),
  fuzz: (file: string) => file.startsWith('test/fuzz/'),
  all: () => true,
} satisfies Record<string, (file: string) => boolean>;

type Tier = keyof typeof TIERS;

function testSources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return testSources(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const tier = process.argv[2] ?? 'all';
if (!(tier in TIERS)) {
  console.error(`test-files: unknown tier '${tier}'; give one of ${Object.keys(TIERS).join(', ')}`);
  process.exit(2);
}
const files = testSources('test')
  .filter(TIERS[tier as Tier])
  .map((source) => relative(process.cwd(), join(REPO_ROOT, 'dist', source.replace(/\.ts$/, '.js'))))
  .sort();
process.stdout.write(files.map((file) => `${file}\n`).join(''));
