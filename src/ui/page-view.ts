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
  transitions: readonly PageTransition[];
}
