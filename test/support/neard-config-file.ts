/**
 * What tests read back from a neard home's config.json: the addresses kuutamod wrote there. Parsed and
 * checked (services/json-object.ts), so a test fails with the file and field named, not on `undefined`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectField, parseJsonObject, stringField } from '../../services/json-object.js';

/** `<section>.addr` of `<home>/config.json`, e.g. the RPC or the network address. */
export function configAddr(home: string, section: 'network' | 'rpc'): string {
  const path = join(home, 'config.json');
  return stringField(objectField(parseJsonObject(readFileSync(path, 'utf8'), path), section, path), 'addr', `${path}: ${section}`);
}
