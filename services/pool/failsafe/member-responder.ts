/**
 * The member side of failsafe as the confirm route calls it (src/failsafe/confirm-route.ts): the pure
 * decision (member-decision.ts) with this daemon's identity, key, refrain window and replay window, the
 * lock view read when a request arrives, and the refrain handed to the daemon when it confirms.
 *
 * Synchronous on purpose: the view is read, the decision taken and the refrain applied in one tick of
 * the event loop, so the daemon cannot start acquiring the lock between "this member does not hold or
 * acquire the lock" and "this member refrains".
 */
import type { FailsafeKey } from './key.js';
import { decideConfirmation, type MemberDecision, type MemberIdentity, type MemberLockView } from './member-decision.js';
import type { FailsafeRequest } from './messages.js';
import { ReplayWindow } from './replay-window.js';

export interface MemberResponderOptions {
  identity: MemberIdentity;
  key: FailsafeKey;
  /** W, in ms: how long this member refrains from the lock after confirming. */
  refrainMs: number;
  /** This member's monotonic clock (services/monotonic-clock.ts in the daemon). */
  now: () => number;
  /** What this member knows of the lock now. */
  view: () => MemberLockView;
  /** Confirmed: refrain from acquiring the lock until monotonic time `until` (keep the later of it and any earlier one). */
  onRefrain: (until: number, request: FailsafeRequest) => void;
  /** The replay window to keep (default: a new one of DEFAULT_REPLAY_CAPACITY). */
  replay?: ReplayWindow;
}

export type MemberResponder = (body: string) => MemberDecision;

export function memberResponder({ identity, key, refrainMs, now, view, onRefrain, replay = new ReplayWindow() }: MemberResponderOptions): MemberResponder {
  if (!Number.isSafeInteger(refrainMs) || refrainMs <= 0) throw new Error(`failsafe: the refrain window must be a positive number of ms, not ${refrainMs}`);
  if (identity.accountId !== key.accountId) throw new Error(`failsafe: the key was derived for account ${key.accountId}, not ${identity.accountId}`);
  const member = { identity, key, refrainMs, replay };
  return (body) => {
    const decision = decideConfirmation(body, member, view(), now());
    if (decision.kind === 'answer' && decision.refrainUntil !== null) onRefrain(decision.refrainUntil, decision.request);
    return decision;
  };
}
