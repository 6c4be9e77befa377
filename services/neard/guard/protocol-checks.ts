/**
 * Runtime checks of the guard's IPC messages, one per message kind, so that neither side acts on a
 * message it only assumes to be well formed (a version mismatch, a bug, a stray `process.send`).
 */
import { DEFAULT_TIMINGS } from '../../../machines/failover-timings.js';
import { DEFAULT_SERVICE_TIMINGS, type ActorTimings } from '../../service-timings.js';
import type { FromGuard, ToGuard } from './protocol.js';

type Fields = Record<string, unknown>;
type Checks<M extends { type: string }> = { [K in M['type']]: (message: Fields) => boolean };

const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isMode = (value: unknown) => value === 'voter' || value === 'validator';
const isOptional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value);
const isNullable = (value: unknown, check: (value: unknown) => boolean) => value === null || check(value);

const TIMING_NAMES = Object.keys({ ...DEFAULT_TIMINGS, ...DEFAULT_SERVICE_TIMINGS }) as Array<keyof ActorTimings>;

function isActorTimings(value: unknown): boolean {
  return isRecord(value) && TIMING_NAMES.every((name) => isNumber(value[name]));
}

function isConsulEndpoint(value: unknown): boolean {
  return isRecord(value) && isString(value.url) && ['token', 'caFile', 'clientCert', 'clientKey'].every((field) => isOptional(value[field], isString));
}

const TO_GUARD: Checks<ToGuard> = {
  hello: (m) => isConsulEndpoint(m.consul) && isActorTimings(m.timings),
  start: (m) => isMode(m.mode) && isString(m.bin) && Array.isArray(m.args) && m.args.every(isString),
  promote: () => true,
  stop: (m) => isNumber(m.timeoutMs),
  lease: (m) => isNumber(m.killAt) && isNullable(m.sessionId, isString),
  session: (m) => isNullable(m.sessionId, isString),
  'consul-token': (m) => isNullable(m.token, isString),
  reload: (m) => isNumber(m.pid) && isString(m.keyFile),
};

const FROM_GUARD: Checks<FromGuard> = {
  ready: () => true,
  started: (m) => isNumber(m.pid) && isMode(m.mode),
  'spawn-failed': (m) => isString(m.error),
  refused: (m) => isString(m.reason),
  exited: (m) =>
    isNumber(m.pid) &&
    isMode(m.mode) &&
    isNullable(m.code, isNumber) &&
    isNullable(m.signal, isString) &&
    isBoolean(m.requested) &&
    isBoolean(m.fenced),
  stopped: () => true,
  reloaded: (m) => isNumber(m.pid),
  'reload-refused': (m) => isNumber(m.pid) && (m.failure === 'busy' || m.failure === 'gone') && isString(m.reason),
  'session-destroyed': (m) => isString(m.sessionId),
};

function check<M extends { type: string }>(checks: Checks<M>, value: unknown): value is M {
  if (!isRecord(value) || !isString(value.type) || !Object.hasOwn(checks, value.type)) return false;
  return checks[value.type as M['type']](value);
}

export const isToGuard = (value: unknown): value is ToGuard => check(TO_GUARD, value);
export const isFromGuard = (value: unknown): value is FromGuard => check(FROM_GUARD, value);
