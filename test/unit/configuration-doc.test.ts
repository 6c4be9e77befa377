/**
 * docs/configuration.md must say what the code does: it is regenerated here from src/settings.ts
 * and kuutamoctl's help and compared byte for byte.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONFIGURATION_DOC, helpSection, parseHelpOption, renderConfigurationDoc } from '../../scripts/configuration-doc.js';
import { EXTRA_OPTIONS, KUUTAMOD_OPTIONS } from '../../src/settings.js';

const doc = readFileSync(CONFIGURATION_DOC, 'utf8');
const FIX = 'regenerate it: npm run docs:configuration';

test('every kuutamod option is in the doc with its variable and default', () => {
  for (const spec of [...KUUTAMOD_OPTIONS, ...EXTRA_OPTIONS]) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${spec.flags}\` |`));
    assert.ok(row, `docs/configuration.md has no row for ${spec.flags}; ${FIX}`);
    assert.ok(row.includes(`\`${spec.env}\``), `${spec.flags}: variable ${spec.env} missing; ${FIX}`);
    if (spec.default !== undefined) assert.ok(row.includes(`\`${spec.default}\``), `${spec.flags}: default ${spec.default} missing; ${FIX}`);
  }
});

test('docs/configuration.md is exactly what the generator makes from the code', () => {
  assert.equal(doc, renderConfigurationDoc(), `docs/configuration.md is stale; ${FIX}`);
});

test('commander help is parsed with wrapped descriptions, defaults and variables', () => {
  const help = [
    'Usage: kuutamoctl [options] [command]',
    '',
    'Options:',
    '  --consul-url <url>          Consul HTTP API URL (default:',
    '                              "http://localhost:8500", env:',
    '                              KUUTAMO_CONSUL_URL)',
    '  --consul-token-file <file>  file holding the token (default: $CONSUL_HTTP_TOKEN)',
    '                              (env: KUUTAMO_CONSUL_TOKEN_FILE)',
    '  --json                      output in json format',
    '',
  ].join('\n');
  const items = helpSection(help, 'Options').map((i) => parseHelpOption(i.term, i.description));
  assert.deepEqual(items, [
    { flags: '--consul-url <url>', env: 'KUUTAMO_CONSUL_URL', default: 'http://localhost:8500', description: 'Consul HTTP API URL' },
    { flags: '--consul-token-file <file>', env: 'KUUTAMO_CONSUL_TOKEN_FILE', default: '$CONSUL_HTTP_TOKEN', description: 'file holding the token' },
    { flags: '--json', env: '', description: 'output in json format' },
  ]);
});
