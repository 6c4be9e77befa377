/** The JSON shape of GET /state: what an operator needs to know about this node at a glance. */
import { FAILOVER_STATES, stateNamesOf } from '../machines/failover.js';
import type { FailoverContext } from '../machines/failover-context.js';
import { memberProductionOf } from '../services/pool/member-production.js';
import type { FailoverObserver, TransitionRecord } from './failover-observer.js';
import { nullable, objectSchema, text, textOrNull } from './json-schema.js';
import type { PageProduction, PageTakeoverCheck, PageView } from './ui/page-view.js';

/**
 * Its fields are declared import-free in ui/page-view.ts, so the /ui page's browser build shares them;
 * here the transitions are narrowed to the observer's records.
 */
export interface StateView extends PageView {
  transitions: TransitionRecord[];
}

const stateName = { type: 'string', enum: FAILOVER_STATES } as const;
const stateNameOrNull = { type: ['string', 'null'], enum: [...FAILOVER_STATES, null] } as const;

/** One entry of `transitions`. */
export const TRANSITION_SCHEMA = objectSchema<TransitionRecord>({
  from: stateNameOrNull,
  to: stateName,
  at: { type: 'string', format: 'date-time' },
  cause: text,
});

const PRODUCTION_SCHEMA = objectSchema<PageProduction>({
  health: { type: ['string', 'null'], enum: ['checking', 'producing', 'degraded', null] },
  verdict: { type: ['string', 'null'], enum: ['healthy', 'suspect', 'failing', 'cannot-judge', null] },
  leaderId: textOrNull,
  detail: textOrNull,
  countsProblem: textOrNull,
});

const TAKEOVER_CHECK_SCHEMA = objectSchema<PageTakeoverCheck>({
  result: { type: 'string', enum: ['producing', 'not-producing', 'unconfirmed'] },
  detail: text,
  at: { type: 'string', format: 'date-time' },
});

/**
 * The response schema of GET /state (and /ui/state.json): Fastify serialises the answer with it, and a
 * field it does not list would be dropped from the wire, so it lists every field of StateView (the
 * compiler checks that) and test/unit/state-route.test.ts checks a real answer against it.
 */
export const STATE_VIEW_SCHEMA = objectSchema<StateView>({
  state: stateNameOrNull,
  detail: textOrNull,
  nodeId: text,
  accountId: text,
  holdsLock: { type: 'boolean' },
  sessionId: textOrNull,
  neardPid: { type: ['integer', 'null'] },
  neardMode: textOrNull,
  neardRestarts: { type: 'integer', minimum: 0 },
  syncing: { type: ['boolean', 'null'] },
  blockHeight: { type: ['integer', 'null'] },
  lastError: textOrNull,
  production: nullable(PRODUCTION_SCHEMA),
  lastTakeoverCheck: nullable(TAKEOVER_CHECK_SCHEMA),
  transitions: { type: 'array', items: TRANSITION_SCHEMA },
});

/** This node's production as its member record has it, with the leader it judged. */
function productionOf(context: FailoverContext): PageProduction | null {
  const published = memberProductionOf(context.production);
  if (published === null) return null;
  const { health, verdict, detail, countsProblem } = published;
  return { health, verdict, leaderId: context.production.leaderId, detail, countsProblem };
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
    production: context === undefined ? null : productionOf(context),
    lastTakeoverCheck: observer.lastTakeoverCheck,
    transitions: [...observer.history],
  };
}
