/**
 * Model-based test of the failover chart: paths generated with xstate/graph from the machine itself
 * (every reachable state, every transition the actors can trigger, every simple failover route) are
 * driven through the REAL actor with simulated actors and a simulated clock. At every step the actor
 * must agree with the model, and the side effects must be right: neard mode requested, validator key,
 * session and lock, the metrics an operator would see, and the safety rule (no ELECTION.RESIGN while the
 * key may be in use). Coverage is measured on the actor's own transitions and must be 100 %.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sendTo } from 'xstate';
import { failoverMachine, type FailoverStateName } from '../../machines/failover.js';
import { chartGraph } from '../../src/chart/chart-graph.js';
import { metricsRestarts, metricsState, startModelRun, type ModelRun } from '../support/model-harness.js';
import { coveringPaths, failoverRoutes, MODEL_INPUT, NO_FAILOVER_INPUT, serialize, transitionsToCover, type ModelPath } from '../support/model-paths.js';

const EXPECTED_NEARD_MODE: Record<FailoverStateName, 'voter' | 'validator' | 'stopped'> = {
  Startup: 'voter',
  Syncing: 'voter',
  Registering: 'voter',
  Voting: 'voter',
  Validating: 'validator',
  Shutdown: 'stopped',
};

async function checkStep(run: ModelRun, where: string, expect: string | null, wasDone: boolean): Promise<void> {
  const snapshot = run.snapshot();
  const context = snapshot.context;
  const state = run.state();
  const { world } = run;
  assert.deepEqual(world.violations, [], `${where}: safety`);
  // --no-failover: registered and listed, never contending, never validating (checked before the model's
  // expectation, so a chart that breaks it is named for this).
  if (context.noFailover) assert.ok(!world.acquiring && state !== 'Validating', `${where}: a --no-failover node contends or validates`);
  if (expect !== null) assert.equal(serialize(snapshot), expect, `${where}: the actor disagrees with the model`);
  assert.deepEqual(await metricsState(run.metrics), [state], `${where}: kuutamod_state`);
  assert.equal(await metricsRestarts(run.metrics), context.neardRestarts, `${where}: kuutamod_neard_restarts`);
  assert.equal(run.observer.currentState, state, `${where}: observer`);
  assert.equal(world.neardMode, EXPECTED_NEARD_MODE[state], `${where}: neard mode requested in ${state}`);
  assert.equal(context.keyInUse, world.keyMayBeInUse, `${where}: the chart must know whether the key may be in use`);
  const contending = (['Contending', 'Yielding', 'Claiming'] as const).some((leaf) => snapshot.matches({ NeardUp: { InSession: { Voting: leaf } } }));
  assert.equal(world.acquiring, contending, `${where}: the lock is sought exactly while Voting.Contending, Voting.Yielding or Voting.Claiming`);
  // Standing aside is registered but not contending.
  if (snapshot.matches({ NeardUp: { InSession: { Voting: 'Standing' } } })) assert.ok(world.sessionWanted && !world.acquiring, `${where}: Standing keeps its session, seeks no lock`);
  // A node that stepped down never validates again with that session.
  if (snapshot.matches({ NeardUp: { InSession: { Voting: 'Resigning' } } })) assert.equal(world.neardMode, 'voter', `${where}: resigning without the key`);
  // (The validator key is only requested right after LOCK_ACQUIRED: the simulated neard checks that.)
  if (state === 'Validating') assert.ok(context.keyInUse, `${where}: validating without the key accounted for`);
  // Failsafe (issue 18): a node that confirmed a leader takes no lock into Validating before its refrain ends.
  if (context.refrainUntil !== null && context.refrainUntil > run.clock.now()) assert.notEqual(state, 'Validating', `${where}: validating while refraining`);
  // Until the restarted neard is reported started, /status may come from the old one: never the strict limit.
  if (context.neardStartAwaited !== null) {
    assert.equal(context.statusFailureLimit, context.timings.statusFailureLimitAfterRestart, `${where}: strict limit while a restart is awaited`);
  }
  // On arrival in Done (later facts may still be recorded, but the daemon has exited by then).
  if (snapshot.matches({ Shutdown: 'Done' }) && !wasDone) {
    assert.ok(!context.sessionOpen && !context.holdsLock && !context.keyInUse, `${where}: Done with a session or key`);
  }
}

async function runPath(path: ModelPath, coverage: { taken: Set<string>; visited: Set<string> }, chart = failoverMachine): Promise<void> {
  const run = startModelRun(path.input, chart);
  try {
    await checkStep(run, `${path.description} @start`, null, false);
    for (const [index, step] of path.steps.entries()) {
      const wasDone = run.snapshot().matches({ Shutdown: 'Done' });
      run.step(step.event);
      await checkStep(run, `${path.description} @${index + 1} (${step.event.type})`, step.expect, wasDone);
    }
  } finally {
    run.stop();
    for (const edge of run.taken) coverage.taken.add(edge);
    for (const id of run.visited) coverage.visited.add(id);
  }
}

test('every state and every transition of the failover chart, on the real actor, with its side effects', async () => {
  const started = Date.now();
  const graph = chartGraph(failoverMachine);
  const { edges: toCover, excluded } = transitionsToCover(graph);
  const covering = [...coveringPaths(), ...coveringPaths(NO_FAILOVER_INPUT)];
  const routes = failoverRoutes();
  const coverage = { taken: new Set<string>(), visited: new Set<string>() };
  for (const path of [...covering, ...routes]) await runPath(path, coverage);

  // A history state is a pseudo-state: never a state value, it is entered through (the renewals, checked below).
  const history = new Set(graph.nodes.filter((n) => n.type === 'history').map((n) => n.id));
  const statesMissed = graph.nodes.map((n) => n.id).filter((id) => !coverage.visited.has(id) && !history.has(id));
  const edgesMissed = toCover.filter((edge) => !coverage.taken.has(edge));
  // A declared transition that no leaf state can select (its event is handled below it everywhere) is dead code.
  const selectable = (id: string) => toCover.some((edge) => edge.endsWith(` :: ${id}`)) || excluded.some((edge) => edge.endsWith(` :: ${id}`));
  const dead = graph.edges.map((e) => e.id).filter((id) => !selectable(id));
  const declared = graph.edges.map((e) => e.id).filter(selectable);
  const declaredMissed = declared.filter((id) => ![...coverage.taken].some((taken) => taken.endsWith(` :: ${id}`)));
  const steps = [...covering, ...routes].reduce((sum, path) => sum + path.steps.length, 0);
  console.log(
    [
      `failover model: ${covering.length} covering paths + ${routes.length} simple failover routes = ${covering.length + routes.length} paths, ${steps} steps, ${Date.now() - started} ms`,
      `  states covered: ${graph.nodes.length - statesMissed.length}/${graph.nodes.length}`,
      `  transitions covered (per leaf state, as XState selects them): ${toCover.length - edgesMissed.length}/${toCover.length}` +
        ` (${excluded.length} impossible by the actors' contracts: ${excluded.join(', ')})`,
      `  declared transitions covered: ${declared.length - declaredMissed.length}/${declared.length}` +
        ` (+${dead.length} shadowed in every state, never selectable: ${dead.join(', ') || 'none'})`,
    ].join('\n'),
  );
  assert.deepEqual(statesMissed, [], 'states never entered');
  assert.deepEqual(edgesMissed, [], 'transitions never taken');
  assert.deepEqual(declaredMissed, [], 'declared transitions never taken');
  // Nothing outside the model happened either (a transition the chart took that the model says cannot be).
  assert.deepEqual([...coverage.taken].filter((edge) => !toCover.includes(edge)), [], 'transitions outside the model');
});

test('failure branches are among the generated paths', () => {
  const { edges } = transitionsToCover();
  // Leaves by the names operators see, with the chart's grouping states (NeardUp, InSession) in their ids.
  const leafId: Record<string, string> = {
    Startup: 'failover.Startup',
    Syncing: 'failover.NeardUp.Syncing',
    Registering: 'failover.NeardUp.Registering',
    'Voting.Contending': 'failover.NeardUp.InSession.Voting.Contending',
    'Voting.Resigning': 'failover.NeardUp.InSession.Voting.Resigning',
    'Voting.Standing': 'failover.NeardUp.InSession.Voting.Standing',
    'Voting.Yielding': 'failover.NeardUp.InSession.Voting.Yielding',
    'Voting.Claiming': 'failover.NeardUp.InSession.Voting.Claiming',
    'Validating.Leased.Checking': 'failover.NeardUp.InSession.Validating.Leased.Checking',
    'Validating.Leased.Producing': 'failover.NeardUp.InSession.Validating.Leased.Producing',
    'Validating.Leased.Degraded': 'failover.NeardUp.InSession.Validating.Leased.Degraded',
  };
  const has = (leaf: string, transition: RegExp) => edges.some((e) => e.startsWith(`${leafId[leaf]} :: `) && transition.test(e));
  for (const leaf of Object.keys(leafId)) {
    assert.ok(has(leaf, /\|NEARD_EXITED\|/), `neard exit in ${leaf}`);
    assert.ok(has(leaf, /\|SHUTDOWN\|/), `shutdown from ${leaf}`);
    assert.ok(has(leaf, /\|NEARD_SPAWN_FAILED\|/), `spawn failure in ${leaf}`);
  }
  const validating = ['Validating.Leased.Checking', 'Validating.Leased.Producing', 'Validating.Leased.Degraded'];
  for (const leaf of ['Syncing', 'Registering', 'Voting.Contending', 'Voting.Standing', 'Voting.Yielding', 'Voting.Claiming', 'Voting.Resigning', ...validating]) {
    assert.ok(has(leaf, /\|STATUS_FAILED\|0$/), `status failures exhausted in ${leaf}`);
  }
  for (const leaf of ['Voting.Contending', 'Voting.Standing', 'Voting.Yielding', 'Voting.Claiming', 'Voting.Resigning', ...validating]) {
    assert.ok(has(leaf, /\|SESSION_LOST\|0$/), `session lost in ${leaf}`);
  }
  for (const leaf of validating) assert.ok(has(leaf, /xstate\.after\.stepDownDeadline/), `renewal timeout (step down) in ${leaf}`);
  // A renewal re-enters Leased and comes back to the production substate it left (the history state).
  for (const leaf of validating) assert.ok(has(leaf, /Leased\|SESSION_RENEWED\|0$/), `renewal in ${leaf}`);
  assert.ok(has('Startup', /xstate\.after\.startupTimeout.*\|1$/), 'startup gives up');
});

test('the checks have teeth: a chart that resigns without waiting for the key release is caught', async () => {
  const reckless = failoverMachine.provide({ actions: { releaseSessionWhenSafe: sendTo('neard', { type: 'NEARD.STOP' }) } });
  const resignsAtOnce = failoverMachine.provide({
    actions: { releaseSessionWhenSafe: sendTo('election', { type: 'ELECTION.RESIGN' }) },
  });
  const coverage = { taken: new Set<string>(), visited: new Set<string>() };
  const failures: string[] = [];
  for (const chart of [resignsAtOnce, reckless]) {
    for (const path of coveringPaths()) {
      try {
        await runPath(path, coverage, chart);
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0]!);
        break;
      }
    }
  }
  assert.equal(failures.length, 2, `both broken charts must fail a path: ${failures.join('; ')}`);
  assert.match(failures[0]!, /safety/);
});

test('the checks have teeth: a chart that lets a --no-failover node contend is caught', async () => {
  const contends = failoverMachine.provide({ guards: { failoverDisabled: () => false } });
  const coverage = { taken: new Set<string>(), visited: new Set<string>() };
  let failure = '';
  for (const path of coveringPaths(NO_FAILOVER_INPUT)) {
    try {
      await runPath(path, coverage, contends);
    } catch (error) {
      failure = (error as Error).message.split('\n')[0]!;
      break;
    }
  }
  assert.match(failure, /--no-failover node contends or validates/);
});

// Found by the model: a resignation deferred until the key is released must not go out after the node
// registered again, destroying the session it now relies on (fixed: `register` clears resignPending).
test('a deferred resignation does not outlive a new registration', () => {
  const run = startModelRun(MODEL_INPUT);
  const facts = [
    { type: 'NEARD_STARTED', pid: 1, mode: 'voter', restart: false },
    { type: 'STATUS_OK', syncing: false, height: 1, validatorAccountId: null },
    { type: 'STATUS_OK', syncing: false, height: 2, validatorAccountId: null },
    { type: 'SESSION_CREATED', sessionId: 'session-1', sentAt: 0 },
    { type: 'LOCK_ACQUIRED' },
    { type: 'NEARD_EXITED', pid: 1, mode: 'validator', code: 1, signal: null }, // Startup: resign deferred
    { type: 'NEARD_STARTED', pid: 2, mode: 'voter', restart: true },
    { type: 'STATUS_OK', syncing: false, height: 3, validatorAccountId: null },
    { type: 'STATUS_OK', syncing: false, height: 4, validatorAccountId: null }, // Registering again
    { type: 'SESSION_CREATED', sessionId: 'session-1', sentAt: 0 }, // Voting
    { type: 'NEARD_KEY_RELEASED' },
  ] as const;
  try {
    for (const fact of facts) run.step(fact);
    assert.equal(run.state(), 'Voting');
    assert.equal(run.world.sessionWanted, true, 'ELECTION.RESIGN was sent while Voting');
  } finally {
    run.stop();
  }
});
