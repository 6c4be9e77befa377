/**
 * The fields of GET /state (StateView in src/state-view.ts extends this) and of every event the /ui page
 * receives. Declared here without imports so the page's browser build (tsconfig.browser.json) checks
 * against the same declaration the server fills.
 */

export interface PageTransition {
  /** State names as the observer records them (null for the first state after start). */
  from: string | null;
  to: string;
  /** ISO 8601 time. */
  at: string;
  /** Event type that caused it; matched against the chart's edges to highlight the arrow taken. */
  cause: string;
}

/** This node's production judgement (issue 17), as its member record publishes it. */
export interface PageProduction {
  /** The leader's own: checking (no block or chunk produced since its takeover yet), producing, degraded. null on a standby. */
  health: 'checking' | 'producing' | 'degraded' | null;
  /** A standby's verdict on the leader. null on the leader. */
  verdict: 'healthy' | 'suspect' | 'failing' | 'cannot-judge' | null;
  /** The leader a standby judged (null: none known, or this node leads). */
  leaderId: string | null;
  /** In words: the health's detail, or the verdict's reason and detail. */
  detail: string | null;
  /** Why the chain's counts cannot be read on this node (the missed-blocks signal is off); null: readable. */
  countsProblem: string | null;
}

/** The check after this node's latest takeover, once decided. */
export interface PageTakeoverCheck {
  result: 'producing' | 'not-producing' | 'unconfirmed';
  detail: string;
  /** ISO 8601 time it was decided. */
  at: string;
}

export interface PageView {
  state: string | null;
  /** Path of the active leaf state below the machine, e.g. "Validating.Leased". */
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
  /** null before the production watch reported anything (the node was never in the election). */
  production: PageProduction | null;
  /** Kept after the node leaves Validating; null: no takeover decided since the daemon started. */
  lastTakeoverCheck: PageTakeoverCheck | null;
  transitions: readonly PageTransition[];
}
