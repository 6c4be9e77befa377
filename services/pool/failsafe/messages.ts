/**
 * The failsafe confirmation messages (issue 18, docs/failsafe-protocol.md), version 1: a request from the
 * leader to one member, the member's answer, their checks of shape, and their MACs. The MAC is computed
 * over a canonical byte encoding of the fields (a domain label, then each field length-prefixed in a fixed
 * order), never over JSON text, so key order, spacing and escapes cannot make two readings of one message.
 * Requests and answers have different labels: an answer can never pass as a request, nor the reverse.
 */
import { isJsonObject } from '../../json-object.js';
import type { FailsafeKey } from './key.js';

export const FAILSAFE_PROTOCOL_VERSION = 1;
export const REQUEST_LABEL = 'kuutamod-failsafe-v1 request';
export const ANSWER_LABEL = 'kuutamod-failsafe-v1 answer';

/** What identifies one confirmation round of one leader process, and the member it asks. */
export interface RequestFields {
  /** The pool's account id. */
  account: string;
  /** The leader's node id. */
  leader: string;
  /** The leader's Consul session id (the session it last held the lock with). */
  session: string;
  /** Random per leader process (32 hex digits): counters start again in a new process. */
  boot: string;
  /** Strictly increasing per boot; one value per round, the same for every member of the round. */
  counter: number;
  /** The node id of the member asked. */
  member: string;
}

export interface FailsafeRequest extends RequestFields {
  v: typeof FAILSAFE_PROTOCOL_VERSION;
  /** HMAC-SHA256 (hex) of requestBytes under the failsafe key. */
  mac: string;
}

export type Verdict = 'confirm' | 'refuse';

export interface AnswerFields extends RequestFields {
  verdict: Verdict;
  /** Why the member refuses; null when it confirms. */
  reason: string | null;
  /** How long the member refrains from the lock after this answer (its own monotonic clock, from receipt); 0 on a refusal. */
  refrainMs: number;
}

export interface FailsafeAnswer extends AnswerFields {
  v: typeof FAILSAFE_PROTOCOL_VERSION;
  /** HMAC-SHA256 (hex) of answerBytes under the failsafe key. */
  mac: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Longest text field accepted (ids are far shorter; the route's body limit bounds the whole message too). */
const MAX_TEXT = 256;
const MAX_REASON = 512;
const BOOT = /^[0-9a-f]{32}$/;
const MAC = /^[0-9a-f]{64}$/;

/** One field: null as a single 0 byte, a string as 1, its UTF-8 length (4 bytes, big-endian) and bytes. */
function fieldBytes(field: string | null): Buffer {
  if (field === null) return Buffer.from([0]);
  const text = Buffer.from(field, 'utf8');
  const head = Buffer.alloc(5);
  head.writeUInt8(1, 0);
  head.writeUInt32BE(text.length, 1);
  return Buffer.concat([head, text]);
}

const canonical = (label: string, fields: (string | null)[]): Buffer => Buffer.concat([label, ...fields].map(fieldBytes));

const requestList = (r: RequestFields): string[] => [r.account, r.leader, r.session, r.boot, String(r.counter), r.member];

/** The bytes a request's MAC covers. */
export const requestBytes = (r: RequestFields): Buffer => canonical(REQUEST_LABEL, requestList(r));

/** The bytes an answer's MAC covers: the request's fields, then the verdict, reason and refrain window. */
export const answerBytes = (a: AnswerFields): Buffer =>
  canonical(ANSWER_LABEL, [...requestList(a), a.verdict, a.reason, String(a.refrainMs)]);

export function signRequest(key: FailsafeKey, fields: RequestFields): FailsafeRequest {
  const r = pickRequestFields(fields);
  return { v: FAILSAFE_PROTOCOL_VERSION, ...r, mac: key.mac(requestBytes(r)).toString('hex') };
}

export function signAnswer(key: FailsafeKey, fields: AnswerFields): FailsafeAnswer {
  const a: AnswerFields = { ...pickRequestFields(fields), verdict: fields.verdict, reason: fields.reason, refrainMs: fields.refrainMs };
  return { v: FAILSAFE_PROTOCOL_VERSION, ...a, mac: key.mac(answerBytes(a)).toString('hex') };
}

export const requestVerifies = (key: FailsafeKey, r: FailsafeRequest): boolean => key.verifies(requestBytes(r), Buffer.from(r.mac, 'hex'));
export const answerVerifies = (key: FailsafeKey, a: FailsafeAnswer): boolean => key.verifies(answerBytes(a), Buffer.from(a.mac, 'hex'));

const pickRequestFields = (r: RequestFields): RequestFields => ({
  account: r.account,
  leader: r.leader,
  session: r.session,
  boot: r.boot,
  counter: r.counter,
  member: r.member,
});

/** Text that survives UTF-8 both ways: a lone surrogate would encode like U+FFFD, so two strings would share bytes. */
const wellFormed = (text: string): boolean => Buffer.from(text, 'utf8').toString('utf8') === text;

const isText = (value: unknown, most: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= most && wellFormed(value);

/** The first problem with the fields a request and an answer share, or undefined. */
function requestProblem(o: Record<string, unknown>): string | undefined {
  if (o['v'] !== FAILSAFE_PROTOCOL_VERSION) return `unsupported protocol version ${JSON.stringify(o['v'])} (this daemon speaks ${FAILSAFE_PROTOCOL_VERSION})`;
  for (const field of ['account', 'leader', 'session', 'member'] as const) {
    if (!isText(o[field], MAX_TEXT)) return `${field} must be a non-empty string of at most ${MAX_TEXT} characters`;
  }
  if (typeof o['boot'] !== 'string' || !BOOT.test(o['boot'])) return 'boot must be 32 lower-case hex digits';
  const counter = o['counter'];
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 1) return 'counter must be a positive integer';
  if (typeof o['mac'] !== 'string' || !MAC.test(o['mac'])) return 'mac must be 64 lower-case hex digits';
  return undefined;
}

/** A request as received (already JSON-parsed), checked for shape only: the caller checks its MAC. */
export function parseRequest(value: unknown): Parsed<FailsafeRequest> {
  if (!isJsonObject(value)) return { ok: false, problem: 'not a JSON object' };
  const problem = requestProblem(value);
  if (problem !== undefined) return { ok: false, problem };
  return { ok: true, value: { v: FAILSAFE_PROTOCOL_VERSION, ...pickRequestFields(value as unknown as RequestFields), mac: value['mac'] as string } };
}

/** An answer as received, checked for shape only: the caller checks its MAC and that it echoes the request. */
export function parseAnswer(value: unknown): Parsed<FailsafeAnswer> {
  if (!isJsonObject(value)) return { ok: false, problem: 'not a JSON object' };
  const problem = requestProblem(value);
  if (problem !== undefined) return { ok: false, problem };
  const { verdict, reason, refrainMs } = value;
  if (verdict !== 'confirm' && verdict !== 'refuse') return { ok: false, problem: 'verdict must be "confirm" or "refuse"' };
  if (verdict === 'confirm' && reason !== null) return { ok: false, problem: 'a confirmation must have reason null' };
  if (verdict === 'refuse' && !isText(reason, MAX_REASON)) return { ok: false, problem: `a refusal must give a reason of at most ${MAX_REASON} characters` };
  if (typeof refrainMs !== 'number' || !Number.isSafeInteger(refrainMs) || refrainMs < 0) return { ok: false, problem: 'refrainMs must be a non-negative integer' };
  const fields = pickRequestFields(value as unknown as RequestFields);
  return { ok: true, value: { v: FAILSAFE_PROTOCOL_VERSION, ...fields, verdict, reason: reason as string | null, refrainMs, mac: value['mac'] as string } };
}

/** `text` parsed as JSON, or a problem (never throws). */
export function parseJsonText(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
}
