/**
 * JSON schemas of the control socket's answers, so the typed view and the wire agree: Fastify serialises
 * every answer with them (a field the schema lacks would be dropped, a required one missing is an error),
 * and `agree` fails the build when a schema and its TypeScript type name different fields (called here for
 * the types below routes, and in each route file for its own answer types).
 */
import type { HandoverRecord } from '../../machines/failover-events.js';
import type { PlannedShutdownRecord } from '../../services/neard/planned-shutdown-file.js';
import type { ControlErrorBody } from './control-error.js';
import type { MaintenanceStatus } from './maintenance-status.js';

const integer = { type: 'integer' } as const;
const number = { type: 'number' } as const;
const string = { type: 'string' } as const;
const boolean = { type: 'boolean' } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullable = <S extends object>(schema: S) => ({ anyOf: [{ type: 'null' }, schema] }) as const;

/** An object with exactly these fields, all of them present. */
function object<P extends Record<string, object>>(properties: P, optional: readonly (keyof P)[] = []) {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  return { type: 'object', properties, required, additionalProperties: false } as const;
}

const windowSchema = object({ start: integer, end: integer });

export const handoverRecordSchema = object({
  id: string,
  from: string,
  to: string,
  mode: { type: 'string', enum: ['now', 'window'] },
  minimumLength: integer,
  window: nullable(windowSchema),
  requestedAt: number,
  requestedBy: string,
  phase: { type: 'string', enum: ['requested', 'releasing', 'released', 'done', 'failed', 'cancelled'] },
  deadlineAt: nullableNumber,
  message: nullableString,
});

export const errorBodySchema = object({ message: string });

export const restartAnswerSchema = object({
  height: integer,
  window: nullable(windowSchema),
  reason: string,
  head: integer,
  previous: nullableInteger,
  neardPid: integer,
  neardRestarts: integer,
});

export const leaderRestartAnswerSchema = object({ handover: handoverRecordSchema });

export const cancelAnswerSchema = object({
  height: integer,
  expectedShutdown: nullableInteger,
  keptOperatorValue: boolean,
  confirmed: boolean,
  neard: string,
});

const plannedShutdownSchema = object({ height: integer, previous: nullableInteger });

export const maintenanceStatusSchema = object({
  nodeId: string,
  state: nullableString,
  role: { type: ['string', 'null'], enum: ['validator', 'standby', 'syncing', 'stopped', null] },
  neardPid: nullableInteger,
  neardRestarts: integer,
  planned: nullable(plannedShutdownSchema),
  configExpectedShutdown: nullableInteger,
  neardExpectedShutdown: nullableInteger,
  head: nullableInteger,
  blocksLeft: nullableInteger,
  blockTimeMs: nullableNumber,
  secondsLeft: nullableNumber,
  neardError: nullableString,
});

export const switchoverAnswerSchema = object({ record: nullable(handoverRecordSchema), error: string }, ['error']);

/** The error statuses every control route may answer with. */
export const errorResponses = { 400: errorBodySchema, 409: errorBodySchema, 500: errorBodySchema, 502: errorBodySchema, 503: errorBodySchema, 504: errorBodySchema } as const;

type SchemaKeys<S> = S extends { properties: infer P } ? keyof P : never;
type SameKeys<T, S> = [Exclude<keyof T, SchemaKeys<S>>, Exclude<SchemaKeys<S>, keyof T>] extends [never, never] ? true : false;
/** Compile-time agreement of a schema with its type: `agree<T>()(schema, true)` is a type error when they differ. */
export const agree =
  <T>() =>
  <S>(_schema: S, same: SameKeys<T, S>): boolean =>
    same;

agree<HandoverRecord>()(handoverRecordSchema, true);
agree<ControlErrorBody>()(errorBodySchema, true);
agree<PlannedShutdownRecord>()(plannedShutdownSchema, true);
agree<MaintenanceStatus>()(maintenanceStatusSchema, true);
