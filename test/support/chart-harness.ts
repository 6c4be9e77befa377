/**
 * Runs the real failover chart with stand-in actors that only record the commands they receive,
 * on XState's SimulatedClock, so every transition and delay can be driven step by step.
 */
import { createActor, fromCallback, SimulatedClock, type EventObject, type InspectionEvent } from 'xstate';
import type { ElectionCommand, FailoverEvent, HandoverCommand, NeardCommand } from '../../machines/failover-events.js';
import { failoverMachine, stateNamesOf, type FailoverInput, type FailoverStateName } from '../../machines/failover.js';
import { DEFAULT_TIMINGS, type FailoverTimings } from '../../machines/failover-timings.js';

export interface ChartHarness {
  clock: SimulatedClock;
  timings: FailoverTimings;
  neardCommands: NeardCommand[];
  electionCommands: ElectionCommand[];
  handoverCommands: HandoverCommand[];
  send(event: FailoverEvent): void;
  /** Advance the simulated clock (fires due delays). */
  advance(ms: number): void;
  state(): FailoverStateName;
  /** The state with its substates as operators see it, e.g. "Shutdown.StoppingNeard". */
  detail(): string;
  context(): ReturnType<ReturnType<typeof createActor<typeof failoverMachine>>['getSnapshot']>['context'];
  done(): boolean;
  /** Forget recorded commands (to check only what the next step sends). */
  clearCommands(): void;
  stop(): void;
}

const recorder = <T extends EventObject>(into: T[]) =>
  fromCallback<T>(({ receive }) => {
    receive((command) => into.push(command));
  });

/** The chart's node id in these tests (a handover record names its leader and candidate by node id). */
export const CHART_NODE_ID = 'self';

/** Options of the chart besides its timings (e.g. --no-failover), and who sees its snapshots (a FailoverObserver's inspect). */
export type ChartOptions = Pick<FailoverInput, 'noFailover' | 'production'> & { inspect?: (inspection: InspectionEvent) => void };

export function startChart(overrides: Partial<FailoverTimings> = {}, options: ChartOptions = {}): ChartHarness {
  const clock = new SimulatedClock();
  const timings = { ...DEFAULT_TIMINGS, ...overrides };
  const neardCommands: NeardCommand[] = [];
  const electionCommands: ElectionCommand[] = [];
  const handoverCommands: HandoverCommand[] = [];
  const machine = failoverMachine.provide({
    actors: {
      neard: recorder(neardCommands),
      election: recorder(electionCommands),
      statusPoller: fromCallback(() => undefined),
      handover: recorder(handoverCommands),
    },
  });
  const { inspect, ...input } = options;
  const actor = createActor(machine, { clock, inspect, input: { ...input, timings, now: () => clock.now(), wallNow: () => clock.now(), nodeId: CHART_NODE_ID } });
  actor.start();
  return {
    clock,
    timings,
    neardCommands,
    electionCommands,
    handoverCommands,
    send: (event) => actor.send(event),
    advance: (ms) => clock.increment(ms),
    state: () => stateNamesOf(actor.getSnapshot().value).state,
    detail: () => stateNamesOf(actor.getSnapshot().value).detail,
    context: () => actor.getSnapshot().context,
    done: () => actor.getSnapshot().matches({ Shutdown: 'Done' }),
    clearCommands: () => {
      neardCommands.length = 0;
      electionCommands.length = 0;
      handoverCommands.length = 0;
    },
    stop: () => actor.stop(),
  };
}

/** Drive a fresh chart to the given state along the healthy path. */
export function chartIn(state: 'Syncing' | 'Registering' | 'Voting' | 'Validating', overrides: Partial<FailoverTimings> = {}, options: ChartOptions = {}): ChartHarness {
  const chart = startChart(overrides, options);
  chart.send({ type: 'NEARD_STARTED', pid: 100, mode: 'voter', restart: false });
  chart.send({ type: 'STATUS_OK', syncing: true, height: 1, validatorAccountId: null });
  if (state === 'Syncing') return chart;
  chart.send({ type: 'STATUS_OK', syncing: false, height: 2, validatorAccountId: null });
  if (state === 'Registering') return chart;
  chart.send({ type: 'SESSION_CREATED', sessionId: 'session-1', sentAt: chart.clock.now() });
  if (state === 'Voting') return chart;
  chart.send({ type: 'LOCK_ACQUIRED' });
  chart.send({ type: 'NEARD_STARTED', pid: 101, mode: 'validator', restart: true });
  return chart;
}
