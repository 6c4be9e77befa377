/**
 * A member's decision on one failsafe confirmation request (issue 18), as a pure function: the request's
 * text, who this member is, its replay window and what it knows of the lock in, a rejection or a signed
 * answer out, with the refrain to keep when it confirms. The one state it changes is the replay window,
 * and only for a request whose MAC verified.
 *
 * A member confirms only when it neither holds nor is acquiring the lock itself and Consul does not show
 * a different session holding it. Consul unreachable ('unknown') is exactly the case failsafe is for, so
 * it confirms then; a free lock (null) too, since the leader may have lost its session to the outage.
 */
import type { FailsafeKey } from './key.js';
import { parseJsonText, parseRequest, requestVerifies, signAnswer, type FailsafeAnswer, type FailsafeRequest } from './messages.js';
import type { ReplayWindow } from './replay-window.js';

export interface MemberIdentity {
  nodeId: string;
  accountId: string;
}

/** What the member's daemon knows of the lock when the request arrives (read in the same tick as the refrain is applied). */
export interface MemberLockView {
  /** This member holds the lock, or is in the middle of acquiring it. */
  holdsOrAcquiringLock: boolean;
  /**
   * What Consul shows of the lock: its holder's session id (null: free), or 'unknown' when Consul cannot be
   * read now. An object, so no session id can be mistaken for 'unknown'.
   */
  consulHolder: { session: string | null } | 'unknown';
}

export interface MemberSide {
  identity: MemberIdentity;
  key: FailsafeKey;
  /** W: how long this member refrains from the lock after confirming, on its own monotonic clock, from receipt. */
  refrainMs: number;
  replay: ReplayWindow;
}

export type RejectionKind = 'garbage' | 'forged' | 'wrong pool or member' | 'replayed';

export interface Rejection {
  kind: RejectionKind;
  /** The HTTP status the route answers with. */
  status: number;
  message: string;
}

export const REJECTION_STATUS: Record<RejectionKind, number> = {
  garbage: 400,
  forged: 403,
  // Misdirected Request: this is not the member (or pool) the request was meant for.
  'wrong pool or member': 421,
  replayed: 409,
};

export type MemberDecision =
  | { kind: 'rejected'; rejection: Rejection }
  | {
      kind: 'answer';
      request: FailsafeRequest;
      answer: FailsafeAnswer;
      /** When it confirms: refrain from the lock until this monotonic time (keep the later of it and any refrain already kept). null on a refusal. */
      refrainUntil: number | null;
    };

export const REFUSE_HOLDS_LOCK = 'this member holds or is acquiring the lock';
export const refuseOtherHolder = (session: string): string => `Consul shows another holder (session ${session})`;

const reject = (kind: RejectionKind, message: string): MemberDecision => ({ kind: 'rejected', rejection: { kind, status: REJECTION_STATUS[kind], message } });

/** The decision on request text `body` received at monotonic time `now`. */
export function decideConfirmation(body: string, member: MemberSide, view: MemberLockView, now: number): MemberDecision {
  const json = parseJsonText(body);
  if (!json.ok) return reject('garbage', `garbage request: ${json.problem}`);
  const parsed = parseRequest(json.value);
  if (!parsed.ok) return reject('garbage', `garbage request: ${parsed.problem}`);
  const request = parsed.value;
  const { nodeId, accountId } = member.identity;
  if (request.account !== accountId || request.member !== nodeId) {
    return reject('wrong pool or member', `this is member ${nodeId} of pool ${accountId}; the request is for member ${request.member} of pool ${request.account}`);
  }
  if (request.leader === nodeId) return reject('wrong pool or member', `the request names this member (${nodeId}) as its own leader`);
  // After the cheap checks, so a request for another pool is named as such, not as forged.
  if (!requestVerifies(member.key, request)) {
    return reject('forged', "forged request: its MAC does not verify under this member's failsafe key (another validator key, or a field was changed)");
  }
  if (!member.replay.isFresh(request, request.counter)) {
    const seen = member.replay.highestOf(request);
    return reject('replayed', `replayed request: counter ${request.counter} is not above ${seen} already accepted from leader ${request.leader} (session ${request.session}, boot ${request.boot})`);
  }
  member.replay.record(request, request.counter);
  const reason = refusalOf(request, view);
  const answer = signAnswer(member.key, { ...request, verdict: reason === null ? 'confirm' : 'refuse', reason, refrainMs: reason === null ? member.refrainMs : 0 });
  return { kind: 'answer', request, answer, refrainUntil: reason === null ? now + member.refrainMs : null };
}

/** Why this member must not confirm the leader, or null when it may. */
function refusalOf(request: FailsafeRequest, view: MemberLockView): string | null {
  if (view.holdsOrAcquiringLock) return REFUSE_HOLDS_LOCK;
  const holder = view.consulHolder;
  if (holder !== 'unknown' && holder.session !== null && holder.session !== request.session) return refuseOtherHolder(holder.session);
  return null;
}
