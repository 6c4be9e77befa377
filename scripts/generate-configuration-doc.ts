/**
 * Writes docs/configuration.md from the code (see scripts/configuration-doc.ts).
 * Run after `npm run build`: node dist/scripts/generate-configuration-doc.js [--check]
 * With --check it changes nothing and exits 1 when the doc is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIGURATION_DOC, renderConfigurationDoc } from './configuration-doc.js';

const next = renderConfigurationDoc();
let current = '';
try {
  current = readFileSync(CONFIGURATION_DOC, 'utf8');
} catch {
  // first run
}
if (current === next) {
  console.log(`${CONFIGURATION_DOC}: up to date`);
} else if (process.argv.includes('--check')) {
  console.error(`${CONFIGURATION_DOC} is stale: run npm run build && node dist/scripts/generate-configuration-doc.js`);
  process.exitCode = 1;
} else {
  writeFileSync(CONFIGURATION_DOC, next);
  console.log(`${CONFIGURATION_DOC}: written`);
}
