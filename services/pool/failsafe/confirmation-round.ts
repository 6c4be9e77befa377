/**
 * The leader side of failsafe (issue 18): one confirmation round asks every member, concurrently, over
 * HTTP, to confirm this leader, and says who did. The round's send time is read from the monotonic clock
 * before the first request leaves: every member that confirms starts its refrain when the request arrives,
 * which is later, so a lease counted from `sentAt` ends before any confirming member's refrain can
 * (docs/failsafe-protocol.md). An answer counts only when it arrives within the timeout, its MAC verifies,
 * it echoes the request field by field, confirms, and promises a refrain window at least as long as the
 * caller needs; anything else is a failure with its reason.
 */
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../error-message.js';
import type { FailsafeKey } from './key.js';
import { answerVerifies, parseAnswer, parseJsonText, signRequest, type FailsafeAnswer, type FailsafeRequest, type RequestFields } from './messages.js';

/** A member to ask: its node id, and the confirm URL its member record publishes (null: none). */
export interface ConfirmationMember {
  nodeId: string;
  url: string | null;
}

/** The boot id and counter of one leader process: a new process starts a new boot, so counters may start again. */
export class LeaderSequence {
  readonly boot: string;
  private counter = 0;

  constructor(boot: string = randomBytes(16).toString('hex')) {
    if (!/^[0-9a-f]{32}$/.test(boot)) throw new Error(`failsafe: a boot id is 32 lower-case hex digits, not ${JSON.stringify(boot)}`);
    this.boot = boot;
  }

  /** The next round's counter: 1, 2, 3, ... */
  next(): number {
    this.counter += 1;
    return this.counter;
  }
}

export interface RoundOptions {
  /** The members to ask, this leader excluded, each node id once (a second request of a round would be a replay). */
  members: readonly ConfirmationMember[];
  key: FailsafeKey;
  leader: { accountId: string; nodeId: string; session: string };
  sequence: LeaderSequence;
  /** How long each request may take, answer body included. */
  timeoutMs: number;
  /** An answer confirming with a shorter refrain window than this fails (the lease assumes at least this). */
  requiredRefrainMs: number;
  /** The leader's monotonic clock. */
  now: () => number;
  /** Ends the round early (the daemon stopping); every request still open then fails. */
  signal?: AbortSignal;
  /** The HTTP client (default: the global fetch); tests may route it elsewhere. */
  fetch?: typeof fetch;
}

export interface RoundResult {
  /** Monotonic time read before the first request was sent. */
  sentAt: number;
  counter: number;
  /** Every member confirmed (true for no members: nobody could take over). */
  allConfirmed: boolean;
  /** Node ids that confirmed, in the order of `members`. */
  confirmed: string[];
  failed: { nodeId: string; why: string }[];
}

/** An answer longer than this is not a failsafe answer (a real one is about 500 bytes). */
export const MAX_ANSWER_BYTES = 16 * 1024;

export async function runConfirmationRound(options: RoundOptions): Promise<RoundResult> {
  const { members, key, leader, sequence } = options;
  const counter = sequence.next();
  const sentAt = options.now();
  const outcomes = await Promise.all(
    members.map(async (member) => {
      const request = signRequest(key, { account: leader.accountId, leader: leader.nodeId, session: leader.session, boot: sequence.boot, counter, member: member.nodeId });
      return { nodeId: member.nodeId, why: await askMember(member, request, sentAt, options) };
    }),
  );
  const confirmed = outcomes.filter((o) => o.why === null).map((o) => o.nodeId);
  const failed = outcomes.flatMap((o) => (o.why === null ? [] : [{ nodeId: o.nodeId, why: o.why }]));
  return { sentAt, counter, allConfirmed: failed.length === 0, confirmed, failed };
}

/** null when `member` confirmed, else why not. */
async function askMember(member: ConfirmationMember, request: FailsafeRequest, sentAt: number, options: RoundOptions): Promise<string | null> {
  if (member.url === null) return 'publishes no failsafe address (failsafeUrl in its member record)';
  const { timeoutMs } = options;
  const signal = options.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), options.signal]) : AbortSignal.timeout(timeoutMs);
  let status: number;
  let text: string | null;
  try {
    const response = await (options.fetch ?? fetch)(member.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal,
      // A redirect could lead anywhere: the published address is the only one asked.
      redirect: 'error',
    });
    status = response.status;
    text = await readBounded(response, MAX_ANSWER_BYTES);
  } catch (error) {
    if (options.signal?.aborted) return 'the round was aborted';
    if (signal.aborted) return `no answer within ${timeoutMs} ms`;
    return `unreachable at ${member.url}: ${fetchErrorText(error)}`;
  }
  const elapsed = options.now() - sentAt;
  if (elapsed > timeoutMs) return `answered after ${elapsed} ms, past the ${timeoutMs} ms timeout`;
  if (text === null) return `garbage answer: longer than ${MAX_ANSWER_BYTES} bytes`;
  if (status !== 200) return `HTTP ${status}: ${rejectionText(text)}`;
  const json = parseJsonText(text);
  if (!json.ok) return `garbage answer: ${json.problem}`;
  const parsed = parseAnswer(json.value);
  if (!parsed.ok) return `garbage answer: ${parsed.problem}`;
  const answer = parsed.value;
  if (!answerVerifies(options.key, answer)) return "forged answer: its MAC does not verify under this leader's failsafe key (another validator key?)";
  const mismatch = echoMismatch(request, answer);
  if (mismatch !== null) return `answer does not match the request: ${mismatch}`;
  if (answer.verdict === 'refuse') return `refused: ${answer.reason ?? 'no reason given'}`;
  if (answer.refrainMs < options.requiredRefrainMs) {
    return `confirmed with a refrain window of ${answer.refrainMs} ms, shorter than the ${options.requiredRefrainMs} ms this leader's lease needs`;
  }
  return null;
}

const ECHOED: (keyof RequestFields)[] = ['account', 'leader', 'session', 'boot', 'counter', 'member'];

/** The first field the answer does not echo, or null. */
function echoMismatch(request: FailsafeRequest, answer: FailsafeAnswer): string | null {
  const field = ECHOED.find((name) => request[name] !== answer[name]);
  return field === undefined ? null : `${field} is ${JSON.stringify(answer[field])}, asked ${JSON.stringify(request[field])}`;
}

/** fetch says "fetch failed" and keeps what failed (ECONNREFUSED, a bad URL) in its cause. */
function fetchErrorText(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause === undefined ? errorMessage(error) : `${errorMessage(error)} (${errorMessage(cause)})`;
}

/** The member's JSON error message if it sent one, else the start of what it sent. */
function rejectionText(text: string): string {
  const json = parseJsonText(text);
  if (json.ok && typeof json.value === 'object' && json.value !== null && typeof (json.value as { error?: unknown }).error === 'string') {
    return (json.value as { error: string }).error;
  }
  return `not a failsafe answer: ${JSON.stringify(text.slice(0, 200))}`;
}

/** The body as text, or null past `max` bytes (a member cannot make the leader read without end). */
async function readBounded(response: Response, max: number): Promise<string | null> {
  if (response.body === null) return '';
  // Node's lib types a fetch body's chunks as any; they are bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
