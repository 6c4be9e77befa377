/**
 * The JSON schemas of the daemon's answers (/state, the control socket) are built here, with one check:
 * `objectSchema<T>` must name every field of T and nothing else, or it does not compile. Fastify serialises
 * each answer with its schema, so a field the schema lacked would be dropped from the wire.
 */

/** A JSON schema of one field; only the keywords the daemon's schemas use. */
export interface FieldSchema {
  type?: string | readonly string[];
  enum?: readonly (string | null)[];
  format?: string;
  minimum?: number;
  items?: object;
  anyOf?: readonly object[];
  properties?: object;
  required?: readonly string[];
  additionalProperties?: boolean;
}

export const text = { type: 'string' } as const;
export const textOrNull = { type: ['string', 'null'] } as const;
export const integer = { type: 'integer' } as const;
export const integerOrNull = { type: ['integer', 'null'] } as const;
export const number = { type: 'number' } as const;
export const numberOrNull = { type: ['number', 'null'] } as const;
export const boolean = { type: 'boolean' } as const;

/** The schema, or null. */
export const nullable = (schema: FieldSchema) => ({ anyOf: [{ type: 'null' }, schema] }) as const;

/** An object with every field of T (required unless named in `optional`) and nothing else. */
export function objectSchema<T>(properties: Record<keyof T, FieldSchema>, optional: readonly (keyof T)[] = []) {
  const required = Object.keys(properties).filter((key) => !optional.includes(key as keyof T));
  return { type: 'object', additionalProperties: false, required, properties } as const;
}
