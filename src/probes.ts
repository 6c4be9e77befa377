/**
 * Role and health probes on the exporter address, after Patroni's REST probes (issue 8): /leader,
 * /standby, /liveness, /readiness. Each answers 200 or 503 (the status code is what a load balancer,
 * systemd or Kubernetes reads) with the same short JSON body either way, so a human can see why.
 * The predicates read only the FailoverObserver's latest snapshot: the chart decides, the probes report.
 * Definitions and reasons: docs/probes.md.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { FailoverStateName } from '../machines/failover-context.js';
import { contends, isReady, stateNamesOf, validates } from '../machines/roles.js';
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

export function probeAnswer(snapshot: FailoverSnapshot | null): ProbeAnswer {
  const names = snapshot === null ? null : stateNamesOf(snapshot.value);
  const role: ProbeRole = snapshot === null ? 'none' : validates(snapshot) ? 'leader' : contends(snapshot) ? 'standby' : 'none';
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

/** Before the chart's first snapshot a node is neither leader, standby nor ready (it is alive). */
const once = (predicate: (snapshot: FailoverSnapshot) => boolean) => (snapshot: FailoverSnapshot | null) => snapshot !== null && predicate(snapshot);

// The role predicates are the chart's own (machines/roles.ts, read from its state tags): the probes only serve them.
const PROBES: ReadonlyArray<{ path: string; passes: (snapshot: FailoverSnapshot | null) => boolean }> = [
  { path: '/leader', passes: once(validates) },
  { path: '/standby', passes: once(contends) },
  { path: '/liveness', passes: isAlive },
  { path: '/readiness', passes: once(isReady) },
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
