/**
 * The shape of the failover chart as plain JSON data: what chart-graph.ts reads from the machine and what
 * the /ui page receives from /ui/chart.json. No imports, so the browser build (tsconfig.browser.json)
 * can check its code against the same types without pulling in XState or Node.
 */

export interface ChartNode {
  /** XState id, e.g. "failover.Validating.Leased". */
  id: string;
  /** Own name, e.g. "Leased". */
  key: string;
  /** Parent id; null for the top-level states. */
  parent: string | null;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Id of the initial child of a compound state. */
  initial: string | null;
  /** Named entry/exit actions (delays' internal raise actions left out). */
  entry: string[];
  exit: string[];
}

export interface ChartEdge {
  /** Unique and stable: "<source>|<event>|<index among the source's candidates for that event>". */
  id: string;
  /** Id of the declaring state node; the machine id for transitions valid in every state. */
  source: string;
  /** Target id; null for a targetless transition (actions only, state unchanged). */
  target: string | null;
  /** XState's event type (delayed transitions: "xstate.after.<delay>.<state id>"). */
  event: string;
  /** Name of the delay of an `after` transition, else null. */
  delay: string | null;
  guard: string | null;
  actions: string[];
  /** Self-transition that exits and re-enters its state (restarts its delays). */
  reenter: boolean;
  /** Short human label: "STATUS_OK [reportsSynced]", "after startupTimeout". */
  label: string;
}

export interface ChartGraph {
  machineId: string;
  /** Id of the initial top-level state. */
  initial: string;
  /** Every state node, depth first in definition order (the root itself is not listed). */
  nodes: ChartNode[];
  edges: ChartEdge[];
}
