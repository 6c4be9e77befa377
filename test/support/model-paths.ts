/**
 * Paths through the failover chart, generated with xstate/graph from the machine itself.
 *
 * The model is the chart plus the contracts of its actors: which facts each actor can report in which
 * situation (a finite set of concrete events, filtered by `canHappen`). createTestModel refuses machines
 * with `invoke` and `after` (both are the point of this chart), so the traversal uses getShortestPaths /
 * getSimplePaths / getAdjacencyMap on the machine directly; delayed transitions appear there as events
 * named `xstate.after.<delay>.<state id>`, which the harness turns into clock advances.
 */
import { getMicrosteps, getNextSnapshot } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type AdjacencyMap, type AdjacencyValue, type StatePath } from 'xstate/graph';
import type { HandoverRecord } from '../../machines/failover-events.js';
import { failoverMachine, stateNamesOf, type FailoverInput } from '../../machines/failover.js';
import { chartGraph, type ChartGraph } from '../../src/chart/chart-graph.js';
import { activeIds, type ModelEvent } from './model-harness.js';

type Snapshot = ReturnType<typeof failoverMachine.getInitialSnapshot>;
/** One step of a path: the event, and the model's abstract state after it (see `serialize`). */
export type ModelStep = { event: ModelEvent; expect: string };
export type ModelPath = { steps: ModelStep[]; description: string; input: FailoverInput };

/** Small limits keep the counters' state space small; the structure of the chart is unchanged. */
// holdMs 0: the production hold and bench read wall times (a record's requestedAt) that the traversal and the
// simulated clock of a run cannot agree on; their rules are unit-tested (production-moves.test.ts).
export const MODEL_INPUT: FailoverInput = { timings: { startupTries: 3, statusFailureLimit: 2, statusFailureLimitAfterRestart: 3 }, nodeId: 'self', production: { holdMs: 0 } };

/** The same with --no-failover: the node registers but must never contend (its own covering paths). */
export const NO_FAILOVER_INPUT: FailoverInput = { ...MODEL_INPUT, noFailover: true };

/** A handover record as the handover actor reports it, from the point of view of MODEL_INPUT's node 'self'. */
const handover = (id: string, fields: Partial<HandoverRecord>): HandoverRecord => ({
  id,
  from: 'self',
  to: 'peer',
  mode: 'now',
  minimumLength: 0,
  window: null,
  requestedAt: 0,
  requestedBy: 'operator',
  phase: 'requested',
  // null: a yielding node waits the whole deadline plus grace (a fixed wall time would depend on the path's clock).
  deadlineAt: null,
  message: null,
  ...fields,
});

const REFRAIN_UNTIL = Date.now() + 86_400_000;

/** One concrete instance of every fact the actors can report (both kinds of STATUS_OK). */
const FACTS: ModelEvent[] = [
  // Both modes: a start in the mode the chart awaits ends the wait, one in the other mode (a late report
  // of an earlier wish) must not.
  { type: 'NEARD_STARTED', pid: 4242, mode: 'voter', restart: true },
  { type: 'NEARD_STARTED', pid: 4243, mode: 'validator', restart: true },
  { type: 'NEARD_EXITED', pid: 4242, mode: 'voter', code: 1, signal: null },
  { type: 'NEARD_STOPPED' },
  { type: 'NEARD_KEY_RELEASED' },
  { type: 'NEARD_SPAWN_FAILED', error: "cannot start neard 'neard'" },
  { type: 'STATUS_OK', syncing: true, height: 10, validatorAccountId: null },
  { type: 'STATUS_OK', syncing: false, height: 11, validatorAccountId: null },
  { type: 'STATUS_FAILED', error: 'ECONNREFUSED' },
  { type: 'SESSION_CREATED', sessionId: 'session-1', sentAt: 0 },
  { type: 'SESSION_RENEWED', sentAt: 0 },
  { type: 'SESSION_LOST' },
  { type: 'SESSION_CLOSED' },
  { type: 'LOCK_ACQUIRED' },
  { type: 'LOCK_RELEASED' },
  { type: 'CONSUL_ERROR', operation: 'renew', error: 'timeout' },
  // One record per role and rule: none; this node's handover now; in a window the heights above hit
  // (10 inside, 11 past its end); this node as candidate; a bystander's; one that ended.
  { type: 'HANDOVER_UPDATED', record: null },
  { type: 'HANDOVER_UPDATED', record: handover('now', {}) },
  { type: 'HANDOVER_UPDATED', record: handover('window', { mode: 'window', minimumLength: 1, window: { start: 10, end: 11 } }) },
  { type: 'HANDOVER_UPDATED', record: handover('to-self', { from: 'peer', to: 'self', phase: 'released' }) },
  { type: 'HANDOVER_UPDATED', record: handover('bystander', { from: 'peer', to: 'other', phase: 'releasing' }) },
  { type: 'HANDOVER_UPDATED', record: handover('ended', { phase: 'done' }) },
  { type: 'SHUTDOWN', reason: 'SIGTERM' },
  // kuutamoctl restart through the control socket, and the neard actor's answers to the chart's commands.
  { type: 'RESTART_REQUESTED', requestId: 'restart' },
  { type: 'RESTART_SCHEDULE', requestId: 'restart', height: 20 },
  { type: 'RESTART_CANCEL_REQUESTED', requestId: 'cancel' },
  { type: 'NEARD_STOP_SCHEDULED', requestId: 'restart', outcome: { ok: true, height: 20, previous: null } },
  { type: 'NEARD_STOP_CANCELLED', requestId: 'cancel', outcome: { ok: false, failure: 'none', message: 'nothing scheduled' } },
  // The pool reader: eligible with nobody else (or lagging with nobody else: the same to the chart), lagging
  // while another eligible standby lives, eligible but outranked by a higher --failover-priority.
  { type: 'ELIGIBILITY', eligible: true, reason: null, eligibleOthers: 0, outrankedBy: null },
  { type: 'ELIGIBILITY', eligible: false, reason: '80 blocks behind the best head', eligibleOthers: 1, outrankedBy: null },
  { type: 'ELIGIBILITY', eligible: true, reason: null, eligibleOthers: 1, outrankedBy: 'node9' },
  // The production watch (issue 17): a standby's verdict on the leader 'peer', failing or healthy; the
  // leader's own production, producing, degraded or still checking. A production move's record.
  { type: 'PRODUCTION_VERDICT', verdict: { verdict: 'failing', reason: 'blocks missed', forMs: 10_000, detail: '5 expected blocks in a row not produced' }, leaderId: 'peer', countsProblem: null },
  { type: 'PRODUCTION_VERDICT', verdict: { verdict: 'healthy' }, leaderId: 'peer', countsProblem: null },
  { type: 'OWN_PRODUCTION', health: 'producing', takeover: { result: 'producing', detail: 'validating and producing: block #11' }, detail: 'producing', countsProblem: null },
  { type: 'OWN_PRODUCTION', health: 'degraded', takeover: null, detail: 'own head has not moved', countsProblem: null },
  { type: 'OWN_PRODUCTION', health: 'checking', takeover: null, detail: 'waiting for its first block or chunk', countsProblem: 'validators: METHOD_NOT_FOUND' },
  { type: 'HANDOVER_UPDATED', record: handover('production', { from: 'peer', to: 'self', requestedBy: 'production check on self', message: 'peer is not producing' }) },
  // Failsafe (issue 18): this node confirmed a leader. The refrain lasts until its deadline fires, on the
  // traversal's clock (the real one) as on the run's (simulated, from 0): a day ahead of both.
  { type: 'FAILSAFE_CONFIRMED', refrainUntil: REFRAIN_UNTIL },
];

/**
 * Facts the actors can never report in some states, by their contracts (services/neard/process.ts):
 * in Validating the chart wants neard as validator, and the neard actor reports the key released, or
 * neard stopped, only when the validator mode is not wanted.
 */
export const IMPOSSIBLE_BY_CONTRACT: ReadonlyArray<{ state: string; event: string; why: string }> = [
  { state: 'failover.NeardUp.InSession.Validating', event: 'NEARD_KEY_RELEASED', why: 'neard actor releases the key only when validator mode is not wanted' },
  { state: 'failover.NeardUp.InSession.Validating', event: 'NEARD_STOPPED', why: 'neard actor reports stopped only when validator mode is not wanted' },
];

function canHappen(snapshot: Snapshot, event: ModelEvent): boolean {
  const active = activeIds(snapshot.value);
  // The election actor reports the lock released only after ELECTION.RELEASE_LOCK, which HandingOver sends
  // once the key is out of use.
  if (event.type === 'LOCK_RELEASED' && (snapshot.context.keyInUse || !active.includes('failover.NeardUp.InSession.Voting.HandingOver'))) return false;
  if (IMPOSSIBLE_BY_CONTRACT.some((rule) => rule.event === event.type && active.includes(rule.state))) return false;
  // The neard actor answers only the chart's NEARD.SCHEDULE_STOP and NEARD.CANCEL_STOP.
  if (event.type === 'NEARD_STOP_SCHEDULED' && snapshot.context.restart?.phase !== 'scheduling') return false;
  if (event.type === 'NEARD_STOP_CANCELLED' && snapshot.context.restart?.phase !== 'cancelling') return false;
  // NEARD_STOPPED follows NEARD_KEY_RELEASED: the neard actor reports the release first.
  if (event.type === 'NEARD_STOPPED' && snapshot.context.keyInUse) return false;
  return true;
}

/** The facts the active states handle, plus their delayed transitions. */
function eventsFor(snapshot: Snapshot): ModelEvent[] {
  const types = new Set(snapshot._nodes.flatMap((node) => [...node.transitions.keys()]));
  return [...types].flatMap((type): ModelEvent[] =>
    type.startsWith('xstate.after.') ? [{ type: type as `xstate.after.${string}` }] : FACTS.filter((fact) => fact.type === type),
  );
}

/** What can change the chart's future: the state and its counters and flags (not pids, heights, times). */
export function serialize(snapshot: Snapshot): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    c.startupAttempt,
    c.statusFailures,
    c.statusFailureLimit,
    c.neardStartAwaited,
    c.keyInUse,
    c.resignPending,
    c.sessionOpen,
    c.holdsLock,
    c.handover?.id ?? null,
    c.releaseLockPending,
    c.noFailover,
    c.refrainUntil !== null,
  ]);
}

/**
 * Restart requests (kuutamoctl restart) are the same root transitions in every state: walked as part of the
 * whole graph they would multiply its states (one in flight or not, everywhere). They are left out of the
 * traversal and covered by short probes appended to it instead (restartProbes).
 */
const traversed = (snapshot: Snapshot, event: ModelEvent) => !RESTART_FACTS.has(event.type) && canHappen(snapshot, event);

// xstate/graph types events as the machine's own; the model's delayed-transition events are a superset.
const traversalFor = (input: FailoverInput) => ({ input, events: eventsFor as never, filterEvents: traversed as never, serializeState: serialize });
const traversal = traversalFor(MODEL_INPUT);

/** The transitions XState would take for `event` in `snapshot` (a model event may be a delayed one). */
const transitionsFor = (snapshot: Snapshot, event: ModelEvent) => failoverMachine.getTransitionData(snapshot, event as never);

/** "<leaf> :: <transition id>" for each transition XState would take for `event` in `snapshot`. */
function edgesOf(snapshot: Snapshot, event: ModelEvent): string[] {
  const leaf = activeIds(snapshot.value).at(-1)!;
  return transitionsFor(snapshot, event).map((t) => {
    const candidates = t.source.transitions.get(t.eventType) ?? [];
    return `${leaf} :: ${t.source.id}|${t.eventType}|${candidates.indexOf(t)}`;
  });
}

/** The chart's actions that raise HANDOVER_CHECK once a fact is recorded (machines/handover-setup.ts). */
const RAISES_CHECK = ['recordHandover', 'checkHandover'];
const actionName = (action: unknown): string | undefined =>
  typeof action === 'string' ? action : typeof action === 'object' && action !== null && 'type' in action ? String(action.type) : undefined;

/**
 * The edges of `event`, and of the HANDOVER_CHECK the chart raises after recording it: that one is taken
 * in the snapshot of the first microstep, where the fact is already in the context.
 */
function edgesTaken(snapshot: Snapshot, event: ModelEvent): string[] {
  const edges = edgesOf(snapshot, event);
  const raises = transitionsFor(snapshot, event).some((t) => t.actions.some((action) => RAISES_CHECK.includes(actionName(action) ?? '')));
  if (!raises) return edges;
  const [recorded] = getMicrosteps(failoverMachine, snapshot, event as never)[0] ?? [];
  return recorded === undefined ? edges : [...edges, ...edgesOf(recorded, { type: 'HANDOVER_CHECK' })];
}

// A generated path's first step is XState's own start event: the harness starts the actor instead.
const stepsOf = (path: StatePath<Snapshot, ModelEvent>): ModelStep[] =>
  path.steps
    .filter((step) => (step.event.type as string) !== 'xstate.init')
    .map((step) => ({ event: step.event, expect: serialize(step.state) }));
const describe = (steps: ModelStep[]) => steps.map((s) => s.event.type.replace(/^xstate\.after\.([^.]+)\..*/, 'after $1')).join(' > ') || '(start)';

/**
 * Paths covering every reachable abstract state (shortest path to each) and every transition the actors
 * can trigger (the shortest path to a state where it is enabled, plus that event).
 */
export function coveringPaths(input: FailoverInput = MODEL_INPUT): ModelPath[] {
  // Generated once per input and process: with the handover records the traversal takes seconds, and tests ask again.
  const known = coveringPathsCache.get(input);
  if (known !== undefined) return known;
  const paths = generateCoveringPaths(input);
  coveringPathsCache.set(input, paths);
  return paths;
}
const coveringPathsCache = new Map<FailoverInput, ModelPath[]>();

function generateCoveringPaths(input: FailoverInput): ModelPath[] {
  const traversal = traversalFor(input);
  const shortest = getShortestPaths(failoverMachine, traversal) as StatePath<Snapshot, ModelEvent>[];
  const toState = new Map(shortest.map((path) => [serialize(path.state), stepsOf(path)]));
  const adjacency = getAdjacencyMap(failoverMachine, traversal) as AdjacencyMap<Snapshot, ModelEvent>;
  const byEdge = new Map<string, ModelStep[]>();
  // Seen as a plain record: its keys are branded strings, for which Object.values answers any[].
  for (const { state, transitions } of Object.values(adjacency as Record<string, AdjacencyValue<Snapshot, ModelEvent>>)) {
    const prefix = toState.get(serialize(state));
    if (!prefix) continue;
    for (const { event, state: next } of Object.values<{ event: ModelEvent; state: Snapshot }>(transitions)) {
      for (const edge of edgesTaken(state, event)) {
        const known = byEdge.get(edge);
        if (!known || known.length > prefix.length + 1) byEdge.set(edge, [...prefix, { event, expect: serialize(next) }]);
      }
    }
  }
  const covered = new Set(byEdge.keys());
  const probes = restartProbes(shortest, covered);
  return dedupe([...toState.values(), ...byEdge.values(), ...probes], input);
}

/** The facts of a restart request and of the neard actor's answers to it (FACTS has one of each). */
const RESTART_FACTS = new Set(['RESTART_REQUESTED', 'RESTART_SCHEDULE', 'RESTART_CANCEL_REQUESTED', 'NEARD_STOP_SCHEDULED', 'NEARD_STOP_CANCELLED']);
const fact = (type: string): ModelEvent => FACTS.find((f) => f.type === type)!;

/** What an operator can do with restart and cancel, step by step (the neard actor answering where it must). */
const PROBES: readonly string[][] = [
  ['RESTART_REQUESTED', 'RESTART_SCHEDULE', 'NEARD_STOP_SCHEDULED'],
  ['RESTART_REQUESTED', 'RESTART_SCHEDULE', 'RESTART_REQUESTED'],
  ['RESTART_REQUESTED', 'RESTART_SCHEDULE', 'RESTART_CANCEL_REQUESTED'],
  ['RESTART_SCHEDULE'],
  ['RESTART_CANCEL_REQUESTED', 'NEARD_STOP_CANCELLED'],
  ['RESTART_CANCEL_REQUESTED', 'RESTART_REQUESTED'],
];

/**
 * Paths that cover the restart transitions: from each state the traversal reached, each probe, kept only
 * where it takes an edge no path took yet (so a few hundred paths, not one per state and probe).
 */
function restartProbes(shortest: readonly StatePath<Snapshot, ModelEvent>[], covered: Set<string>): ModelStep[][] {
  const paths: ModelStep[][] = [];
  for (const path of shortest) {
    for (const probe of PROBES) {
      let snapshot = path.state;
      const steps: ModelStep[] = [];
      let fresh = false;
      for (const type of probe) {
        const event = fact(type);
        if (!canHappen(snapshot, event)) break;
        for (const edge of edgesTaken(snapshot, event)) {
          if (covered.has(edge)) continue;
          covered.add(edge);
          fresh = true;
        }
        snapshot = getNextSnapshot(failoverMachine, snapshot, event as never);
        steps.push({ event, expect: serialize(snapshot) });
      }
      if (fresh) paths.push([...stepsOf(path), ...steps]);
    }
  }
  return [...paths, ...inFlightProbes(shortest, covered)];
}

/** Starting a request the neard actor works on, and what can meet it while it is in flight. */
const IN_FLIGHT: ReadonlyArray<{ start: string[]; phase: string; meets: string[] }> = [
  { start: ['RESTART_REQUESTED', 'RESTART_SCHEDULE'], phase: 'scheduling', meets: ['NEARD_STOP_SCHEDULED', 'RESTART_REQUESTED', 'RESTART_CANCEL_REQUESTED'] },
  { start: ['RESTART_CANCEL_REQUESTED'], phase: 'cancelling', meets: ['NEARD_STOP_CANCELLED', 'RESTART_REQUESTED', 'RESTART_CANCEL_REQUESTED'] },
];

/**
 * A request still in flight when the chart moves on (a promotion, a neard exit, Shutdown): from the states
 * where one starts, a breadth-first walk over the facts to every leaf state it can reach with the request
 * still in flight, each leaf once, and there what can meet it. Kept only where a new edge is taken.
 */
function inFlightProbes(shortest: readonly StatePath<Snapshot, ModelEvent>[], covered: Set<string>): ModelStep[][] {
  const paths: ModelStep[][] = [];
  const leafOf = (snapshot: Snapshot) => activeIds(snapshot.value).at(-1)!;
  for (const flight of IN_FLIGHT) {
    const visited = new Set<string>();
    for (const path of shortest) {
      let snapshot = path.state;
      const steps = stepsOf(path);
      for (const type of flight.start) {
        snapshot = getNextSnapshot(failoverMachine, snapshot, fact(type) as never);
        steps.push({ event: fact(type), expect: serialize(snapshot) });
      }
      if (snapshot.context.restart?.phase !== flight.phase || visited.has(leafOf(snapshot))) continue;
      const queue = [{ snapshot, steps }];
      visited.add(leafOf(snapshot));
      while (queue.length > 0) {
        const here = queue.shift()!;
        for (const type of flight.meets) {
          const event = fact(type);
          if (!canHappen(here.snapshot, event)) continue;
          const edges = edgesTaken(here.snapshot, event).filter((edge) => !covered.has(edge));
          if (edges.length === 0) continue;
          edges.forEach((edge) => covered.add(edge));
          paths.push([...here.steps, { event, expect: serialize(getNextSnapshot(failoverMachine, here.snapshot, event as never)) }]);
        }
        for (const move of FACTS) {
          if (RESTART_FACTS.has(move.type) || !canHappen(here.snapshot, move)) continue;
          const next = getNextSnapshot(failoverMachine, here.snapshot, move as never);
          if (visited.has(leafOf(next)) || next.context.restart?.phase !== flight.phase) continue;
          visited.add(leafOf(next));
          queue.push({ snapshot: next, steps: [...here.steps, { event: move, expect: serialize(next) }] });
        }
      }
    }
  }
  return paths;
}

/**
 * Failover scenarios: simple paths (no abstract state twice) made only of transitions between kuutamod
 * states, and of the NEARD_STARTED that ends the wait for a restarted neard (Startup is left only after
 * it), one per distinct sequence of kuutamod states an operator would see, e.g.
 * Startup > Syncing > Registering > Voting > Validating > Voting > Syncing > Startup > Shutdown.
 */
export function failoverRoutes(): ModelPath[] {
  const top = (s: Snapshot) => stateNamesOf(s.value).state;
  // Anywhere, not only in Startup: the wait also shapes the states after Validating was left (lenient limit),
  // and without its end there the routes would miss sequences the chart can take (checked: all 102 routes of
  // the chart before the wait existed are among these).
  const endsWait = (s: Snapshot, e: ModelEvent) => e.type === 'NEARD_STARTED' && e.mode === s.context.neardStartAwaited;
  // Failover routes leave planned switchovers out: a handover record in the context doubles the simple paths
  // of every state after it (the routes did not finish in minutes). Their states and transitions are
  // covered by coveringPaths, and the handover routes by the chart tests.
  const routeFact = (_s: Snapshot, e: ModelEvent) => e.type !== 'HANDOVER_UPDATED';
  const moves = (s: Snapshot, e: ModelEvent) =>
    canHappen(s, e) &&
    routeFact(s, e) &&
    (endsWait(s, e) || failoverMachine.getTransitionData(s, e as never).some((t) => t.target?.some((n) => stateNamesOf(n.path).state !== top(s))));
  const paths = getSimplePaths(failoverMachine, { ...traversal, filterEvents: moves });
  const bySequence = new Map<string, ModelStep[]>();
  for (const path of paths) {
    // A NEARD_STARTED step stays in its kuutamod state: operators see one state, not two.
    const tops = [...path.steps.map((step) => top(step.state)), top(path.state)];
    const sequence = tops.filter((name, i) => name !== tops[i - 1]).join('>');
    const known = bySequence.get(sequence);
    if (!known || known.length > path.steps.length) bySequence.set(sequence, stepsOf(path));
  }
  return dedupe([...bySequence.values()], MODEL_INPUT);
}

/** Drop paths that are a prefix of another path (running the longer one checks the same steps). */
function dedupe(all: ModelStep[][], input: FailoverInput): ModelPath[] {
  const keyed = all.map((steps) => ({ steps, key: steps.map((s) => JSON.stringify(s.event)) }));
  keyed.sort((a, b) => b.key.length - a.key.length);
  const kept: typeof keyed = [];
  for (const candidate of keyed) {
    const isPrefix = kept.some((longer) => candidate.key.every((k, i) => longer.key[i] === k));
    if (!isPrefix) kept.push(candidate);
  }
  return kept.map(({ steps }) => ({ steps, description: describe(steps), input }));
}

/**
 * The transitions to cover, from the chart definition: for every leaf state, every candidate XState can
 * select there (own candidates first, then its ancestors', up to the first one without a guard), minus
 * the facts the actors cannot report in that state.
 */
export function transitionsToCover(graph: ChartGraph = chartGraph(failoverMachine)): { edges: string[]; excluded: string[] } {
  const edges: string[] = [];
  const excluded: string[] = [];
  // A history state is no leaf the chart can be in: a transition to it restores a sibling.
  const leaves = graph.nodes.filter((n) => n.type !== 'history' && !graph.nodes.some((m) => m.parent === n.id));
  for (const leaf of leaves) {
    const chain: string[] = [];
    for (let id: string | null = leaf.id; id !== null; id = graph.nodes.find((n) => n.id === id)?.parent ?? null) chain.push(id);
    chain.push(graph.machineId);
    const events = new Set(graph.edges.filter((e) => chain.includes(e.source)).map((e) => e.event));
    for (const event of events) {
      const candidates = chain.flatMap((id) => graph.edges.filter((e) => e.source === id && e.event === event));
      const reachable = candidates.slice(0, candidates.findIndex((e) => e.guard === null) + 1 || candidates.length);
      const impossible = IMPOSSIBLE_BY_CONTRACT.some((rule) => rule.event === event && chain.includes(rule.state));
      for (const edge of reachable) (impossible ? excluded : edges).push(`${leaf.id} :: ${edge.id}`);
    }
  }
  return { edges, excluded };
}
