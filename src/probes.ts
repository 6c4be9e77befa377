/**
 * Role and health probes on the exporter address, after Patroni's REST probes (issue 8): /leader,
 * /standby, /liveness, /readiness. Each answers 200 or 503 (the status code is what a load balancer,
 * systemd or Kubernetes reads) with the same short JSON body either way, so a human can see why.
 * The predicates read only the FailoverObserver's latest snapshot: the chart decides, the probes report.
 * Definitions and reasons: docs/probes.md.
 */
import type { FastifyPluginAsync } from 'fastify';
import { stateNamesOf, type FailoverStateName } from '../machines/failover.js';
import type { FailoverObserver, FailoverSnapshot } from './failover-observer.js';

/** What this node is now: the lock holder with a validating neard, a contender for the lock, or neither. */
export type ProbeRole = 'leader' | 'standby' | 'none';

/** The body of every probe answer, 200 or 503. */
export interface ProbeAnswer {
  role: ProbeRole;
  /** The kuutamod state (as in /state and kuutamod_state); null before the chart's first snapshot. */
  state: FailoverStateName | null;
  /** The state with its substates, e.g. "Voting.Contending"; null before the chart's first snapshot. */
  detail: string | null;
}

/** The states in which a synced node takes part in the election (readiness). */
const ELECTION_STATES: readonly FailoverStateName[] = ['Registering', 'Voting', 'Validating'];

/** Validating, holding the lock, and neard was reported started with the validator key. */
export function isLeader(snapshot: FailoverSnapshot | null): boolean {
  if (snapshot === null) return false;
  const { context } = snapshot;
  return stateNamesOf(snapshot.value).state === 'Validating' && context.holdsLock && context.neardMode === 'validator';
}

/**
 * Contending for the lock: eligible to take over (synced, near the best head, not --no-failover: a node
 * that is not stands aside in Voting.Standing). Voting.Resigning is not standby: it gives its session up.
 */
export function isStandby(snapshot: FailoverSnapshot | null): boolean {
  // Voting.Yielding contends too (after a head start for a higher priority); Voting.Standing does not.
  return snapshot !== null && ['Voting.Contending', 'Voting.Yielding'].includes(stateNamesOf(snapshot.value).detail);
}

/**
 * The chart still runs. Before its first snapshot the daemon is starting (the server listens just before
 * the chart starts): alive. In Shutdown.Done (a final child only: the actor itself stays 'active'), or
 * with the actor stopped or failed with an error: not alive. A stalled event loop cannot answer at all,
 * which the prober's timeout counts as a failure.
 */
export function isAlive(snapshot: FailoverSnapshot | null): boolean {
  if (snapshot === null) return true;
  return snapshot.status === 'active' && stateNamesOf(snapshot.value).detail !== 'Shutdown.Done';
}

/** neard's last /status said synced, and the node is in Registering, Voting or Validating. */
export function isReady(snapshot: FailoverSnapshot | null): boolean {
  if (snapshot === null) return false;
  return snapshot.context.syncing === false && ELECTION_STATES.includes(stateNamesOf(snapshot.value).state);
}

export function probeAnswer(snapshot: FailoverSnapshot | null): ProbeAnswer {
  const names = snapshot === null ? null : stateNamesOf(snapshot.value);
  const role: ProbeRole = isLeader(snapshot) ? 'leader' : isStandby(snapshot) ? 'standby' : 'none';
  return { role, state: names?.state ?? null, detail: names?.detail ?? null };
}

const answerSchema = {
  type: 'object',
  properties: {
    role: { type: 'string', enum: ['leader', 'standby', 'none'] },
    state: { type: ['string', 'null'] },
    detail: { type: ['string', 'null'] },
  },
  required: ['role', 'state', 'detail'],
  additionalProperties: false,
} as const;

const PROBES: ReadonlyArray<{ path: string; passes: (snapshot: FailoverSnapshot | null) => boolean }> = [
  { path: '/leader', passes: isLeader },
  { path: '/standby', passes: isStandby },
  { path: '/liveness', passes: isAlive },
  { path: '/readiness', passes: isReady },
];

export interface ProbesPluginOptions {
  observer: FailoverObserver;
}

export const probesPlugin: FastifyPluginAsync<ProbesPluginOptions> = async (app, { observer }) => {
  const schema = { response: { 200: answerSchema, 503: answerSchema } };
  for (const { path, passes } of PROBES) {
    app.get(path, { schema }, async (_request, reply): Promise<ProbeAnswer> => {
      const snapshot = observer.snapshot;
      // Not cached by anything in between: the answer is only true for this instant.
      void reply.header('cache-control', 'no-store').code(passes(snapshot) ? 200 : 503);
      return probeAnswer(snapshot);
    });
  }
};
