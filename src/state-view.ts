/** The JSON shape of GET /state: what an operator needs to know about this node at a glance. */
import { stateNamesOf } from '../machines/failover.js';
import type { FailoverObserver, TransitionRecord } from './failover-observer.js';

export interface StateView {
  /** One of the six kuutamod states (never a grouping state of the chart). */
  state: string | null;
  /** The state and its active substates, e.g. "Shutdown.StoppingNeard" (grouping states left out). */
  detail: string | null;
  nodeId: string;
  accountId: string;
  holdsLock: boolean;
  sessionId: string | null;
  neardPid: number | null;
  neardMode: string | null;
  neardRestarts: number;
  syncing: boolean | null;
  blockHeight: number | null;
  lastError: string | null;
  transitions: TransitionRecord[];
}

export function buildStateView(observer: FailoverObserver, identity: { nodeId: string; accountId: string }): StateView {
  const snapshot = observer.snapshot;
  const context = snapshot?.context;
  return {
    state: observer.currentState,
    detail: snapshot ? stateNamesOf(snapshot.value).detail : null,
    ...identity,
    holdsLock: context?.holdsLock ?? false,
    sessionId: context?.sessionId ?? null,
    neardPid: context?.neardPid ?? null,
    neardMode: context?.neardMode ?? null,
    neardRestarts: context?.neardRestarts ?? 0,
    syncing: context?.syncing ?? null,
    blockHeight: context?.blockHeight ?? null,
    lastError: context?.lastError ?? null,
    transitions: [...observer.history],
  };
}
