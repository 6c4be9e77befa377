/**
 * JSON read from files and HTTP bodies as typed values: `JSON.parse` and `Response.json()` give `any`,
 * which silently switches type checking off for everything it touches. These helpers check the shape
 * at the boundary and say where a value came from when it is not what was expected.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `text` parsed as a JSON object; `where` (a file name, a URL) names the source in the error. */
export function parseJsonObject(text: string, where: string): JsonObject {
  const value: unknown = JSON.parse(text);
  return asJsonObject(value, where);
}

export function asJsonObject(value: unknown, where: string): JsonObject {
  if (!isJsonObject(value)) throw new Error(`${where}: expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

/** The object under `key` of `object`, e.g. config.json's `rpc` section. */
export const objectField = (object: JsonObject, key: string, where: string): JsonObject => asJsonObject(object[key], `${where}: ${key}`);

/** The string under `key` of `object`, e.g. a section's `addr`. */
export function stringField(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new Error(`${where}: ${key}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** A JSON file holding an object, e.g. neard's config.json. */
export const readJsonObjectFile = (path: string): JsonObject => parseJsonObject(readFileSync(path, 'utf8'), path);

/** Read, change in place and write back a JSON object file (2-space indented, as neard writes them). */
export function patchJsonObjectFile(path: string, patch: (value: JsonObject) => void): void {
  const value = readJsonObjectFile(path);
  patch(value);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A JSON object record read from Consul key `key` whose fields pass `fieldTypes` (one check per field), or an
 * Error naming the key and the first wrong field. Used by every record kuutamod keeps in Consul's KV.
 */
export function parseCheckedRecord<T>(key: string, text: string | null, fieldTypes: Record<keyof T, (value: unknown) => boolean>): T {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new Error(`Consul key ${key}: not JSON`);
  }
  if (!isJsonObject(value)) throw new Error(`Consul key ${key}: not a JSON object`);
  for (const [field, valid] of Object.entries<(value: unknown) => boolean>(fieldTypes)) {
    if (!valid(value[field])) throw new Error(`Consul key ${key}: field ${field} is missing or of the wrong type`);
  }
  return value as T;
}
