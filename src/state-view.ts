/** The JSON shape of GET /state: what an operator needs to know about this node at a glance. */
import { stateNamesOf } from '../machines/failover.js';
import type { FailoverObserver, TransitionRecord } from './failover-observer.js';
import type { PageView } from './ui/page-view.js';

/**
 * Its fields are declared import-free in ui/page-view.ts, so the /ui page's browser build shares them;
 * here the transitions are narrowed to the observer's records.
 */
export interface StateView extends PageView {
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
