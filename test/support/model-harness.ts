/**
 * Drives the REAL failover actor along a path generated from the chart: simulated neard and election
 * actors that record every command (and what they imply for the outside world), a SimulatedClock for the
 * named delays, the production observer and metrics. Records which transitions the actor really took,
 * from XState's own inspection events, so coverage is measured on the actor and not on the model.
 */
import { pino } from 'pino';
import { createActor, fromCallback, SimulatedClock, type AnyEventObject, type EventObject, type InspectionEvent } from 'xstate';
import type { ElectionCommand, FailoverEvent, HandoverCommand, NeardCommand } from '../../machines/failover-events.js';
import type { ChartEvent } from '../../machines/failover-context.js';
import { failoverMachine, stateNamesOf, type FailoverContext, type FailoverInput, type FailoverStateName } from '../../machines/failover.js';
import { FailoverObserver, type FailoverSnapshot } from '../../src/failover-observer.js';
import { createMetrics, type DaemonMetrics } from '../../src/metrics.js';

/** What the simulated actors know about the outside world, from the commands they were sent. */
export interface World {
  /** Mode last requested from neard (null before any request). */
  neardMode: 'voter' | 'validator' | 'stopped' | null;
  /** The validator key was requested and its release not yet reported back. */
  keyMayBeInUse: boolean;
  /** Last session command was REGISTER (true) or RESIGN (false). */
  sessionWanted: boolean;
  /** Between ACQUIRE_START and ACQUIRE_STOP. */
  acquiring: boolean;
  /** LOCK_ACQUIRED was reported and the session was not lost or closed since. */
  lockHeld: boolean;
  neardCommands: NeardCommand[];
  electionCommands: ElectionCommand[];
  handoverCommands: HandoverCommand[];
  /** Broken safety rules, with the step they happened at. */
  violations: string[];
}

/** A model step: a real event, or a delayed transition named as XState names it. */
export type ModelEvent = ChartEvent | { type: `xstate.after.${string}` };

export interface ModelRun {
  world: World;
  metrics: DaemonMetrics;
  observer: FailoverObserver;
  clock: SimulatedClock;
  /** "<leaf state id> :: <transition id>" for every transition the actor took (ids as in chart-graph). */
  taken: Set<string>;
  /** Every state node id that was active at some point. */
  visited: Set<string>;
  step(event: ModelEvent): void;
  snapshot(): FailoverSnapshot;
  state(): FailoverStateName;
  context(): FailoverContext;
  stop(): void;
}

const silent = pino({ level: 'silent' });
type DelayFn = (args: { context: FailoverContext; event: AnyEventObject }) => number;

/** Ids of the active state nodes of a state value, leaf last: "failover.NeardUp", ..., "failover.NeardUp.InSession.Validating.Leased". */
export function activeIds(value: unknown, prefix = failoverMachine.id): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => [`${prefix}.${key}`, ...activeIds(inner, `${prefix}.${key}`)]);
}

/** Same ids as chart-graph's ChartEdge.id: declaring node, event, index among that node's candidates. */
function transitionId(t: { source: { id: string; transitions: Map<string, unknown[]> }; eventType: string }): string {
  const index = t.source.transitions.get(t.eventType)?.indexOf(t) ?? -1;
  return `${t.source.id}|${t.eventType}|${index}`;
}

/** `machine` is the chart under test: failoverMachine, or a deliberately broken copy (to test the checks). */
export function startModelRun(input: FailoverInput, chart: typeof failoverMachine = failoverMachine): ModelRun {
  const clock = new SimulatedClock();
  const world: World = {
    neardMode: null,
    keyMayBeInUse: false,
    sessionWanted: false,
    acquiring: false,
    lockHeld: false,
    neardCommands: [],
    electionCommands: [],
    handoverCommands: [],
    violations: [],
  };
  let stepName = 'start';
  const neard = fromCallback<NeardCommand>(({ receive }) =>
    receive((command) => {
      world.neardCommands.push(command);
      if (command.type === 'NEARD.RUN') {
        if (command.mode === 'validator' && !world.lockHeld) world.violations.push(`${stepName}: validator key requested without the lock`);
        if (command.mode === 'validator') world.keyMayBeInUse = true;
        world.neardMode = command.mode;
      } else if (command.type === 'NEARD.STOP') {
        world.neardMode = 'stopped';
      }
    }),
  );
  const election = fromCallback<ElectionCommand>(({ receive }) =>
    receive((command) => {
      world.electionCommands.push(command);
      if (command.type === 'ELECTION.REGISTER') world.sessionWanted = true;
      if (command.type === 'ELECTION.ACQUIRE_START') world.acquiring = true;
      if (command.type === 'ELECTION.ACQUIRE_STOP') world.acquiring = false;
      // A planned handover frees the lock, not the session: the same rule as for the session applies.
      if (command.type === 'ELECTION.RELEASE_LOCK' && world.keyMayBeInUse) world.violations.push(`${stepName}: ELECTION.RELEASE_LOCK while the validator key may be in use`);
      if (command.type === 'ELECTION.RESIGN') {
        // The safety rule: the session (and the lock with it) must outlive any use of the key.
        if (world.keyMayBeInUse) world.violations.push(`${stepName}: ELECTION.RESIGN while the validator key may be in use`);
        world.sessionWanted = false;
        world.acquiring = false;
      }
    }),
  );
  const metrics = createMetrics(0);
  const observer = new FailoverObserver(silent, metrics);
  const taken = new Set<string>();
  const visited = new Set<string>();
  let leaf: string | null = null;
  const onInspect = (inspection: InspectionEvent): void => {
    observer.inspect(inspection);
    if (inspection.type !== '@xstate.microstep' || inspection.actorRef.sessionId !== inspection.rootId) return;
    const ids = activeIds((inspection.snapshot as FailoverSnapshot).value);
    for (const t of inspection._transitions) if (leaf !== null) taken.add(`${leaf} :: ${transitionId(t as never)}`);
    for (const id of ids) visited.add(id);
    leaf = ids.at(-1) ?? null;
  };
  const handover = fromCallback<HandoverCommand>(({ receive }) => receive((command) => world.handoverCommands.push(command)));
  const machine = chart.provide({
    actors: { neard, election, handover, statusPoller: fromCallback<EventObject>(() => undefined) },
  });
  const actor = createActor(machine, { clock, input: { ...input, now: () => clock.now(), wallNow: () => clock.now() }, inspect: onInspect });
  actor.start();
  const initial = activeIds(actor.getSnapshot().value);
  for (const id of initial) visited.add(id);
  leaf = initial.at(-1) ?? null;
  const delays = failoverMachine.implementations.delays as Record<string, DelayFn>;

  return {
    world,
    metrics,
    observer,
    clock,
    taken,
    visited,
    step(event) {
      stepName = event.type;
      const after = /^xstate\.after\.([^.]+)\./.exec(event.type);
      if (after) {
        // A delayed transition is reached by letting simulated time pass, exactly the chart's own delay.
        const delay = delays[after[1]!];
        if (!delay) throw new Error(`no delay named ${after[1]}`);
        clock.increment(delay({ context: actor.getSnapshot().context, event }));
        return;
      }
      const real = event as FailoverEvent;
      if (real.type === 'LOCK_ACQUIRED') world.lockHeld = true;
      if (real.type === 'SESSION_LOST' || real.type === 'SESSION_CLOSED' || real.type === 'LOCK_RELEASED') world.lockHeld = false;
      if (real.type === 'NEARD_KEY_RELEASED') {
        // The neard actor's contract: it reports the release only when validator mode is not wanted.
        if (world.neardMode === 'validator') throw new Error('model bug: NEARD_KEY_RELEASED while validator mode is wanted');
        world.keyMayBeInUse = false;
      }
      // Renewal times are the simulated clock's (the chart measures its lease from them).
      const sent = real.type === 'SESSION_CREATED' || real.type === 'SESSION_RENEWED' ? { ...real, sentAt: clock.now() } : real;
      actor.send(sent);
    },
    snapshot: () => actor.getSnapshot(),
    state: () => stateNamesOf(actor.getSnapshot().value).state,
    context: () => actor.getSnapshot().context,
    stop: () => actor.stop(),
  };
}

/** The one-hot kuutamod_state gauge as the metrics endpoint would show it: the state whose value is 1. */
export async function metricsState(metrics: DaemonMetrics): Promise<string[]> {
  const gauge = metrics.registry.getSingleMetric('kuutamod_state');
  if (!gauge) return [];
  const { values } = await gauge.get();
  return values.filter((v) => v.value === 1).map((v) => String(v.labels['type']));
}

export async function metricsRestarts(metrics: DaemonMetrics): Promise<number> {
  const counter = metrics.registry.getSingleMetric('kuutamod_neard_restarts');
  const { values } = (await counter?.get()) ?? { values: [] };
  return values[0]?.value ?? 0;
}
