/**
 * JSON schemas of the control socket's answers that several routes share, built with objectSchema
 * (src/json-schema.ts: the build fails when a schema and its type name different fields). A route's own
 * answer types have their schemas beside them, in the route's file.
 */
import type { HandoverRecord } from '../../machines/failover-events.js';
import type { MaintenanceWindow } from '../../machines/window-rules.js';
import type { PlannedShutdownRecord } from '../../services/neard/planned-shutdown-file.js';
import { integer, integerOrNull, nullable, number, numberOrNull, objectSchema, text, textOrNull } from '../json-schema.js';
import type { ControlErrorBody } from './control-error.js';
import type { MaintenanceStatus } from './maintenance-status.js';

export const windowSchema = objectSchema<MaintenanceWindow>({ start: integer, end: integer });

export const handoverRecordSchema = objectSchema<HandoverRecord>({
  id: text,
  from: text,
  to: text,
  mode: { type: 'string', enum: ['now', 'window'] },
  minimumLength: integer,
  window: nullable(windowSchema),
  requestedAt: number,
  requestedBy: text,
  phase: { type: 'string', enum: ['requested', 'releasing', 'released', 'done', 'failed', 'cancelled'] },
  deadlineAt: numberOrNull,
  message: textOrNull,
});

export const errorBodySchema = objectSchema<ControlErrorBody>({ message: text });

const plannedShutdownSchema = objectSchema<PlannedShutdownRecord>({ height: integer, previous: integerOrNull });

export const maintenanceStatusSchema = objectSchema<MaintenanceStatus>({
  nodeId: text,
  state: textOrNull,
  role: { type: ['string', 'null'], enum: ['validator', 'standby', 'syncing', 'stopped', null] },
  neardPid: integerOrNull,
  neardRestarts: integer,
  planned: nullable(plannedShutdownSchema),
  configExpectedShutdown: integerOrNull,
  neardExpectedShutdown: integerOrNull,
  head: integerOrNull,
  blocksLeft: integerOrNull,
  blockTimeMs: numberOrNull,
  secondsLeft: numberOrNull,
  neardError: textOrNull,
});

/** The error statuses every control route may answer with. */
export const errorResponses = { 400: errorBodySchema, 409: errorBodySchema, 500: errorBodySchema, 502: errorBodySchema, 503: errorBodySchema, 504: errorBodySchema } as const;
