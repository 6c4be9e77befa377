/** The JSON shape of GET /state: what an operator needs to know about this node at a glance. */
import type { FailoverObserver, TransitionRecord } from './failover-observer.js';

export interface StateView {
  state: string | null;
  /** Substate path, e.g. "Shutdown.StoppingNeard". */
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

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', undefined];
  return inner === undefined ? key : `${key}.${flatten(inner)}`;
}

export function buildStateView(observer: FailoverObserver, identity: { nodeId: string; accountId: string }): StateView {
  const snapshot = observer.snapshot;
  const context = snapshot?.context;
  return {
    state: observer.currentState,
    detail: snapshot ? flatten(snapshot.value) : null,
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
