/**
 * Every transition of kuutamod's table, on the real chart with a simulated clock.
 * The stand-in actors only record commands, so each test checks what the chart asked for.
 * Also: grouping states never show up in the names operators see, and a miswired action fails loudly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createActor } from 'xstate';
import { FAILOVER_STATES, failoverMachine, failoverSetup, stateNamesOf } from '../../machines/failover.js';
import { chartGraph } from '../../src/chart/chart-graph.js';
import { chartIn, startChart } from '../support/chart-harness.js';

const ok = (syncing: boolean, height = 10) => ({ type: 'STATUS_OK', syncing, height, validatorAccountId: null }) as const;
const failed = { type: 'STATUS_FAILED', error: 'Failed to get status: ECONNREFUSED' } as const;
const exited = (mode: 'voter' | 'validator') => ({ type: 'NEARD_EXITED', pid: 100, mode, code: 1, signal: null }) as const;
const started = (mode: 'voter' | 'validator', restart = true) => ({ type: 'NEARD_STARTED', pid: 200, mode, restart }) as const;

describe('Startup', () => {
  test('starts neard as voter and goes to Syncing once the started neard answers /status', () => {
    const chart = startChart();
    assert.equal(chart.state(), 'Startup');
    assert.deepEqual(chart.neardCommands, [{ type: 'NEARD.RUN', mode: 'voter' }]);
    chart.send(started('voter'));
    chart.send(ok(true));
    assert.equal(chart.state(), 'Syncing');
  });

  test('restarts neard after the startup timeout, and gives up after three tries', () => {
    const chart = startChart();
    chart.advance(chart.timings.startupTimeoutMs);
    assert.equal(chart.state(), 'Startup');
    assert.equal(chart.context().startupAttempt, 2);
    assert.ok(chart.neardCommands.some((c) => c.type === 'NEARD.RESTART'));
    chart.advance(chart.timings.startupTimeoutMs);
    assert.equal(chart.context().startupAttempt, 3);
    chart.advance(chart.timings.startupTimeoutMs);
    assert.equal(chart.state(), 'Shutdown');
    assert.match(chart.context().fatalError ?? '', /did not answer \/status after 3 starts/);
  });

  test('a neard that exits during startup is started again, then it is fatal', () => {
    const chart = startChart();
    chart.send(exited('voter'));
    chart.send(exited('voter'));
    assert.equal(chart.state(), 'Startup');
    assert.equal(chart.context().startupAttempt, 3);
    chart.send(exited('voter'));
    assert.equal(chart.state(), 'Shutdown');
    assert.ok(chart.context().fatalError);
  });

  test('status failures while neard starts are not counted', () => {
    const chart = startChart();
    for (let i = 0; i < 10; i++) chart.send(failed);
    assert.equal(chart.state(), 'Startup');
  });

  test('a neard that cannot be spawned ends the daemon with the reason', () => {
    const chart = startChart();
    chart.send({ type: 'NEARD_SPAWN_FAILED', error: "cannot start neard 'nope'" });
    assert.equal(chart.detail(), 'Shutdown.StoppingNeard');
    assert.equal(chart.context().fatalError, "cannot start neard 'nope'");
  });
});

describe('Syncing', () => {
  test('goes to Registering when neard is synced, which creates a session', () => {
    const chart = chartIn('Syncing');
    chart.send(ok(true));
    assert.equal(chart.state(), 'Syncing');
    chart.send(ok(false));
    assert.equal(chart.state(), 'Registering');
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.REGISTER' });
  });

  test('goes back to Startup when neard exits', () => {
    const chart = chartIn('Syncing');
    chart.send(exited('voter'));
    assert.equal(chart.state(), 'Startup');
  });

  test('restarts neard after three /status failures in a row, not after two', () => {
    const chart = chartIn('Syncing');
    chart.send(failed);
    chart.send(failed);
    chart.send(ok(true)); // a success resets the count
    chart.send(failed);
    chart.send(failed);
    assert.equal(chart.state(), 'Syncing');
    chart.clearCommands();
    chart.send(failed);
    assert.equal(chart.state(), 'Startup');
    assert.deepEqual(chart.neardCommands, [{ type: 'NEARD.RESTART' }, { type: 'NEARD.RUN', mode: 'voter' }]);
  });
});

describe('Registering', () => {
  test('goes to Voting when the session is created, which starts lock attempts', () => {
    const chart = chartIn('Registering');
    chart.send({ type: 'SESSION_CREATED', sessionId: 's', sentAt: 0 });
    assert.equal(chart.state(), 'Voting');
    assert.equal(chart.context().sessionId, 's');
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.ACQUIRE_START' });
  });

  test('goes back to Syncing when neard reports syncing, releasing the session being made', () => {
    const chart = chartIn('Registering');
    chart.send(ok(true));
    assert.equal(chart.state(), 'Syncing');
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.RESIGN' });
  });

  test('goes to Startup when neard exits or /status fails three times', () => {
    const exitedChart = chartIn('Registering');
    exitedChart.send(exited('voter'));
    assert.equal(exitedChart.state(), 'Startup');
    const hungChart = chartIn('Registering');
    for (let i = 0; i < 3; i++) hungChart.send(failed);
    assert.equal(hungChart.state(), 'Startup');
  });

  test('Consul errors keep it Registering', () => {
    const chart = chartIn('Registering');
    chart.send({ type: 'CONSUL_ERROR', operation: 'session create', error: 'ECONNREFUSED' });
    assert.equal(chart.state(), 'Registering');
    assert.equal(chart.context().lastError, 'session create: ECONNREFUSED');
  });
});

describe('Voting', () => {
  test('becomes Validating when the lock is acquired: neard restarts with the validator key', () => {
    const chart = chartIn('Voting');
    chart.clearCommands();
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.state(), 'Validating');
    assert.deepEqual(chart.neardCommands, [{ type: 'NEARD.RUN', mode: 'validator' }]);
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.ACQUIRE_STOP' }]);
    assert.equal(chart.context().holdsLock, true);
    assert.equal(chart.context().keyInUse, true);
  });

  test('goes to Startup when neard exits, destroying the session first', () => {
    const chart = chartIn('Voting');
    chart.clearCommands();
    chart.send(exited('voter'));
    assert.equal(chart.state(), 'Startup');
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.ACQUIRE_STOP' }, { type: 'ELECTION.RESIGN' }]);
  });

  test('goes to Syncing when neard desyncs, destroying the session', () => {
    const chart = chartIn('Voting');
    chart.send(ok(true));
    assert.equal(chart.state(), 'Syncing');
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.RESIGN' });
  });

  test('goes to Registering when the session is gone, creating a new one', () => {
    const chart = chartIn('Voting');
    chart.send({ type: 'SESSION_LOST' });
    assert.equal(chart.state(), 'Registering');
    assert.equal(chart.context().sessionId, null);
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.REGISTER' });
  });

  test('goes to Startup after three /status failures', () => {
    const chart = chartIn('Voting');
    for (let i = 0; i < 3; i++) chart.send(failed);
    assert.equal(chart.state(), 'Startup');
  });
});

// Eligibility (issue 8): the pool reader reports ELIGIBILITY while the node is in Voting.
const eligibility = (eligible: boolean, eligibleOthers: number, outrankedBy: string | null = null) =>
  ({ type: 'ELIGIBILITY', eligible, reason: eligible ? null : '80 blocks behind the best head', eligibleOthers, outrankedBy }) as const;

describe('Voting: eligibility', () => {
  test('a lagging standby stands aside while another eligible standby lives, and contends again when none is left', () => {
    const chart = chartIn('Voting');
    chart.clearCommands();
    chart.send(eligibility(false, 1));
    assert.equal(chart.detail(), 'Voting.Standing');
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.ACQUIRE_STOP' }], 'stops contending, keeps its session');
    chart.send(eligibility(false, 1));
    assert.equal(chart.detail(), 'Voting.Standing');
    // The other standby is gone: an outage is worse than a lagging validator.
    chart.send(eligibility(false, 0));
    assert.equal(chart.detail(), 'Voting.Contending');
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.ACQUIRE_START' });
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.state(), 'Validating');
  });

  test('standing aside keeps the session: losing it registers anew, neard exiting goes to Startup', () => {
    const lost = chartIn('Voting');
    lost.send(eligibility(false, 1));
    lost.send({ type: 'SESSION_LOST' });
    assert.equal(lost.state(), 'Registering');
    const exits = chartIn('Voting');
    exits.send(eligibility(false, 1));
    exits.send(exited('voter'));
    assert.equal(exits.state(), 'Startup');
  });

  test('a standby outranked by a higher --failover-priority contends after the priorityYield head start', () => {
    const chart = chartIn('Voting');
    chart.clearCommands();
    chart.send(eligibility(true, 1, 'node9'));
    assert.equal(chart.detail(), 'Voting.Yielding');
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.ACQUIRE_STOP' }, { type: 'ELECTION.ACQUIRE_START', delayMs: chart.timings.priorityYieldMs }]);
    chart.send(eligibility(true, 1, 'node9'));
    assert.equal(chart.detail(), 'Voting.Yielding', 'still outranked: no change');
    chart.send(eligibility(false, 1));
    assert.equal(chart.detail(), 'Voting.Standing');
    chart.send(eligibility(true, 1, 'node9'));
    assert.equal(chart.detail(), 'Voting.Yielding');
    chart.send(eligibility(true, 0));
    assert.equal(chart.detail(), 'Voting.Contending', 'the higher one is gone: no head start');
    chart.send(eligibility(true, 1, 'node9'));
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.state(), 'Validating', 'a yielding standby takes the lock it gets');
  });

  test('--no-failover registers but never contends, whatever the pool says', () => {
    const chart = chartIn('Voting', {}, { noFailover: true });
    assert.equal(chart.detail(), 'Voting.Standing');
    assert.ok(!chart.electionCommands.some((c) => c.type === 'ELECTION.ACQUIRE_START'), 'never asked for the lock');
    for (const event of [eligibility(true, 0), eligibility(false, 0), eligibility(true, 1, 'node9')]) {
      chart.send(event);
      assert.equal(chart.detail(), 'Voting.Standing');
    }
    // A new session (after a loss) stands aside again.
    chart.send({ type: 'SESSION_LOST' });
    chart.send({ type: 'SESSION_CREATED', sessionId: 'session-2', sentAt: chart.clock.now() });
    assert.equal(chart.detail(), 'Voting.Standing');
    assert.ok(!chart.electionCommands.some((c) => c.type === 'ELECTION.ACQUIRE_START'), 'never asked for the lock');
  });

  test('ELIGIBILITY outside Voting changes nothing', () => {
    const chart = chartIn('Validating');
    chart.send(eligibility(false, 3));
    assert.equal(chart.detail(), 'Validating.Leased.Checking');
  });
});

describe('Validating', () => {
  test('tolerates a long silence of the restarted neard, then three failures after it answered', () => {
    const chart = chartIn('Validating');
    for (let i = 0; i < chart.timings.statusFailureLimitAfterRestart - 1; i++) chart.send(failed);
    assert.equal(chart.state(), 'Validating');
    chart.send(ok(false));
    chart.send(failed);
    chart.send(failed);
    assert.equal(chart.state(), 'Validating');
    chart.send(failed);
    assert.equal(chart.state(), 'Startup');
  });

  test('goes to Startup when the validator neard exits; the session goes only once the key is released', () => {
    const chart = chartIn('Validating');
    chart.clearCommands();
    chart.send(exited('validator'));
    assert.equal(chart.state(), 'Startup');
    assert.deepEqual(chart.electionCommands, [], 'no resign while the key may still be in use');
    assert.equal(chart.context().resignPending, true);
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.RESIGN' }]);
    assert.equal(chart.context().keyInUse, false);
  });

  test('a hung validator neard is restarted as voter before the session is released', () => {
    const chart = chartIn('Validating');
    chart.send(ok(false));
    chart.clearCommands();
    for (let i = 0; i < 3; i++) chart.send(failed);
    assert.equal(chart.state(), 'Startup');
    assert.deepEqual(chart.neardCommands, [{ type: 'NEARD.RUN', mode: 'voter' }, { type: 'NEARD.RESTART' }, { type: 'NEARD.RUN', mode: 'voter' }]);
    assert.deepEqual(chart.electionCommands, []);
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.RESIGN' }]);
  });

  test('goes to Registering when the session is gone, stopping the validator neard', () => {
    const chart = chartIn('Validating');
    chart.clearCommands();
    chart.send({ type: 'SESSION_LOST' });
    assert.equal(chart.state(), 'Registering');
    assert.deepEqual(chart.neardCommands, [
      { type: 'NEARD.RUN', mode: 'voter' },
      { type: 'NEARD.SESSION', sessionId: null },
    ]);
    assert.equal(chart.context().holdsLock, false);
  });

  test('steps down to Voting when no renewal succeeded for 25 s, then gives the lock up once neard let go of the key', () => {
    const chart = chartIn('Validating');
    chart.advance(chart.timings.stepDownAfterMs - 1);
    assert.equal(chart.state(), 'Validating');
    chart.clearCommands();
    chart.advance(1);
    assert.equal(chart.detail(), 'Voting.Resigning');
    assert.deepEqual(chart.neardCommands, [{ type: 'NEARD.RUN', mode: 'voter' }]);
    assert.deepEqual(chart.electionCommands, [], 'no lock attempts, and no resign while the key may be in use');
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.RESIGN' }]);
    chart.send({ type: 'SESSION_CLOSED' });
    assert.equal(chart.state(), 'Registering');
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.REGISTER' });
  });

  test('each successful renewal pushes the step-down deadline, counted from its send time', () => {
    const chart = chartIn('Validating');
    chart.advance(10_000);
    chart.send({ type: 'SESSION_RENEWED', sentAt: chart.clock.now() - 1_000 });
    chart.advance(23_999);
    assert.equal(chart.state(), 'Validating');
    chart.advance(1);
    assert.equal(chart.state(), 'Voting');
  });

  test('the deadline on entering Validating counts from the last renewal, not from the lock', () => {
    const chart = chartIn('Voting');
    chart.advance(20_000); // the session was created 20 s ago and not renewed since
    chart.send({ type: 'LOCK_ACQUIRED' });
    chart.advance(4_999);
    assert.equal(chart.state(), 'Validating');
    chart.advance(1);
    assert.equal(chart.detail(), 'Voting.Resigning');
  });
});

// The old neard answers /status during its SIGTERM grace period; the new one may need minutes to bind its
// RPC port. Only a NEARD_STARTED of the awaited mode says the answers come from the new process.
describe('restart race: answers of the old neard', () => {
  const sendFailures = (chart: ReturnType<typeof startChart>, n: number) => {
    for (let i = 0; i < n; i++) chart.send(failed);
  };

  for (const [how, restart] of [['restart', true], ['hot swap', false]] as const) {
    test(`promotion (${how}): an answer of the old neard before NEARD_STARTED keeps the lenient limit`, () => {
      const chart = chartIn('Voting');
      chart.send({ type: 'LOCK_ACQUIRED' });
      chart.send(ok(false)); // the old voter neard, still stopping
      sendFailures(chart, chart.timings.statusFailureLimit + 2); // the new one is not listening yet
      assert.equal(chart.state(), 'Validating', 'the slow new neard is not called hung');
      assert.equal(chart.context().statusFailureLimit, chart.timings.statusFailureLimitAfterRestart);
      chart.send(started('validator', restart));
      assert.equal(chart.context().neardRestarts, restart ? 1 : 0, 'a hot swap is no restart');
      sendFailures(chart, chart.timings.statusFailureLimit + 2);
      assert.equal(chart.state(), 'Validating', 'started is not answering: still lenient');
      chart.send(ok(false)); // the new neard answers: from now on the strict limit
      assert.equal(chart.context().statusFailureLimit, chart.timings.statusFailureLimit);
      sendFailures(chart, chart.timings.statusFailureLimit - 1);
      assert.equal(chart.state(), 'Validating');
      chart.send(failed);
      assert.equal(chart.state(), 'Startup');
    });
  }

  test('leaving Validating: the stopping validator neard answering does not re-arm the strict limit', () => {
    const chart = chartIn('Validating');
    chart.send(ok(false));
    chart.send({ type: 'SESSION_LOST' });
    assert.equal(chart.state(), 'Registering');
    chart.send(ok(false)); // the old validator neard, still stopping
    sendFailures(chart, chart.timings.statusFailureLimit + 2);
    assert.equal(chart.state(), 'Registering');
    chart.send(started('voter'));
    chart.send(ok(false));
    sendFailures(chart, chart.timings.statusFailureLimit);
    assert.equal(chart.state(), 'Startup');
  });

  test('Startup is left only on an answer after NEARD_STARTED, not on one of the old neard', () => {
    const chart = chartIn('Syncing');
    sendFailures(chart, chart.timings.statusFailureLimit); // hung: restarted
    assert.equal(chart.state(), 'Startup');
    chart.send(ok(false)); // the hung neard answers once more while it is being stopped
    assert.equal(chart.state(), 'Startup');
    assert.equal(chart.context().blockHeight, 10, 'recorded all the same');
    chart.send(started('voter'));
    chart.send(ok(true));
    assert.equal(chart.state(), 'Syncing');
  });

  test('a late NEARD_STARTED of the mode no longer wanted does not end the wait', () => {
    const chart = chartIn('Voting');
    chart.send({ type: 'LOCK_ACQUIRED' });
    chart.send({ type: 'SESSION_LOST' }); // left before the validator neard was reported started
    chart.send(started('validator')); // late: this process is about to be replaced by a voter
    chart.send(ok(false));
    sendFailures(chart, chart.timings.statusFailureLimit + 2);
    assert.equal(chart.state(), 'Registering');
    assert.equal(chart.context().neardStartAwaited, 'voter');
  });

  test('a refused validator start goes to Startup, which waits leniently for the voter neard', () => {
    const chart = chartIn('Voting');
    chart.send({ type: 'LOCK_ACQUIRED' });
    chart.send(ok(false)); // the old voter neard, still stopping
    chart.send({ type: 'NEARD_EXITED', pid: 0, mode: 'validator', code: null, signal: null }); // the guard refused
    assert.equal(chart.state(), 'Startup');
    chart.send(ok(false)); // a late answer of the old voter
    assert.equal(chart.state(), 'Startup');
    chart.send(started('voter'));
    chart.send(ok(false));
    assert.equal(chart.state(), 'Syncing');
    assert.equal(chart.context().statusFailureLimit, chart.timings.statusFailureLimit);
  });

  test('a refused hot swap (no NEARD_STARTED) is not stuck: the lenient limit still ends a hung neard', () => {
    const chart = chartIn('Voting');
    chart.send({ type: 'LOCK_ACQUIRED' });
    chart.send(ok(false)); // the voter neard keeps running and answering
    sendFailures(chart, chart.timings.statusFailureLimitAfterRestart - 1);
    assert.equal(chart.state(), 'Validating');
    chart.clearCommands();
    chart.send(failed);
    assert.equal(chart.state(), 'Startup');
    assert.ok(chart.neardCommands.some((c) => c.type === 'NEARD.RESTART'), 'restarted, which reports NEARD_STARTED');
    chart.send(started('voter'));
    chart.send(ok(true));
    assert.equal(chart.state(), 'Syncing');
  });

  test('a Startup whose neard never reports started still ends by its timeout', () => {
    const chart = startChart();
    chart.send(ok(true)); // someone else's process on the RPC port, or a late answer
    assert.equal(chart.state(), 'Startup');
    chart.advance(chart.timings.startupTimeoutMs);
    assert.equal(chart.context().startupAttempt, 2);
    assert.ok(chart.neardCommands.some((c) => c.type === 'NEARD.RESTART'));
  });
});

describe('Shutdown', () => {
  for (const from of ['Syncing', 'Registering', 'Voting', 'Validating'] as const) {
    test(`from ${from}: stops neard first, then destroys the session, then is done`, () => {
      const chart = chartIn(from);
      chart.clearCommands();
      chart.send({ type: 'SHUTDOWN', reason: 'SIGTERM' });
      assert.equal(chart.detail(), 'Shutdown.StoppingNeard');
      assert.deepEqual(chart.neardCommands.at(-1), { type: 'NEARD.STOP' });
      assert.ok(!chart.electionCommands.some((c) => c.type === 'ELECTION.RESIGN'), 'session kept while neard runs');
      // The neard actor's order: the key is released, then neard is reported stopped.
      if (from === 'Validating') chart.send({ type: 'NEARD_KEY_RELEASED' });
      chart.send({ type: 'NEARD_STOPPED' });
      assert.equal(chart.detail(), 'Shutdown.ClosingSession');
      assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.RESIGN' });
      chart.send({ type: 'SESSION_CLOSED' });
      assert.equal(chart.done(), true);
      assert.equal(chart.context().fatalError, null);
    });
  }

  test('without a session it still asks the election actor, which confirms at once', () => {
    const chart = chartIn('Syncing');
    chart.send({ type: 'SHUTDOWN', reason: 'SIGTERM' });
    chart.send({ type: 'NEARD_STOPPED' });
    assert.deepEqual(chart.electionCommands.at(-1), { type: 'ELECTION.RESIGN' });
    chart.send({ type: 'SESSION_CLOSED' });
    assert.equal(chart.done(), true);
  });

  test('the session is not released before the key is, whatever order the facts arrive in', () => {
    const chart = chartIn('Validating');
    chart.send({ type: 'SHUTDOWN', reason: 'SIGTERM' });
    chart.clearCommands();
    chart.send({ type: 'NEARD_STOPPED' });
    assert.equal(chart.detail(), 'Shutdown.ClosingSession');
    assert.deepEqual(chart.electionCommands, []);
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.RESIGN' }]);
    chart.send({ type: 'SESSION_CLOSED' });
    assert.equal(chart.done(), true);
  });

  test('from Startup, and a second signal changes nothing', () => {
    const chart = startChart();
    chart.send({ type: 'SHUTDOWN', reason: 'SIGINT' });
    chart.send({ type: 'SHUTDOWN', reason: 'SIGINT' });
    assert.equal(chart.detail(), 'Shutdown.StoppingNeard');
    chart.send({ type: 'NEARD_STOPPED' });
    chart.send({ type: 'SESSION_CLOSED' });
    assert.equal(chart.done(), true);
  });
});

describe('after a step-down', () => {
  test('a lock our old session still gets is not taken up: no flapping back to Validating', () => {
    const chart = chartIn('Validating');
    chart.advance(chart.timings.stepDownAfterMs);
    chart.clearCommands();
    chart.send({ type: 'LOCK_ACQUIRED' });
    chart.send({ type: 'SESSION_RENEWED', sentAt: chart.clock.now() });
    assert.equal(chart.detail(), 'Voting.Resigning');
    assert.deepEqual(chart.neardCommands.filter((c) => c.type === 'NEARD.RUN'), []);
  });
});

describe('lease for the neard guard', () => {
  test('every session create and renewal hands the guard a kill deadline of send time + TTL - margin, tied to the session', () => {
    const chart = chartIn('Registering');
    chart.clearCommands();
    chart.send({ type: 'SESSION_CREATED', sessionId: 's1', sentAt: 1_000 });
    const { sessionTtlMs, fenceMarginMs } = chart.timings;
    assert.deepEqual(chart.neardCommands, [
      { type: 'NEARD.LEASE', killAt: 1_000 + sessionTtlMs - fenceMarginMs, sessionId: 's1' },
      { type: 'NEARD.SESSION', sessionId: 's1' },
    ]);
    chart.send({ type: 'LOCK_ACQUIRED' });
    chart.clearCommands();
    chart.send({ type: 'SESSION_RENEWED', sentAt: 11_000 });
    assert.deepEqual(chart.neardCommands, [{ type: 'NEARD.LEASE', killAt: 11_000 + sessionTtlMs - fenceMarginMs, sessionId: 's1' }]);
  });

  test('a renewal that arrives after the session was forgotten yields a lease tied to no session (the guard refuses it)', () => {
    const chart = chartIn('Validating');
    chart.send({ type: 'SESSION_LOST' });
    chart.clearCommands();
    chart.send({ type: 'SESSION_RENEWED', sentAt: chart.clock.now() });
    const leases = chart.neardCommands.filter((c) => c.type === 'NEARD.LEASE');
    assert.deepEqual(leases.map((c) => c.type === 'NEARD.LEASE' && c.sessionId), [null]);
  });

  test('the guard forgets the session once it is closed', () => {
    const chart = chartIn('Voting');
    chart.send(exited('voter'));
    chart.clearCommands();
    chart.send({ type: 'SESSION_CLOSED' });
    assert.deepEqual(chart.neardCommands, [{ type: 'NEARD.SESSION', sessionId: null }]);
  });
});

describe('bookkeeping', () => {
  test('counts neard restarts and tracks its pid', () => {
    const chart = chartIn('Validating');
    assert.equal(chart.context().neardRestarts, 1);
    assert.equal(chart.context().neardPid, 101);
    assert.equal(chart.context().neardMode, 'validator');
  });
});

describe('names operators see', () => {
  test('every state of the chart is named by one of the six kuutamod states, never by a grouping state', () => {
    const grouping = ['NeardUp', 'InSession'];
    for (const node of chartGraph(failoverMachine).nodes) {
      const path = node.id.split('.').slice(1);
      if (path.every((key) => grouping.includes(key))) continue; // the grouping states themselves
      const { state, detail } = stateNamesOf(path);
      assert.ok(FAILOVER_STATES.includes(state), `${node.id} is named ${state}`);
      assert.ok(!grouping.some((key) => detail.split('.').includes(key)), `${node.id} shows a grouping state: ${detail}`);
      assert.ok(node.id.endsWith(`.${detail}`), `${node.id}: ${detail} is its own path below the grouping states`);
    }
    const chart = chartIn('Validating');
    assert.deepEqual([chart.state(), chart.detail()], ['Validating', 'Validating.Leased.Checking']);
  });

  test('a state value without a kuutamod state is an error, not a guess', () => {
    assert.throws(() => stateNamesOf({ NeardUp: 'Elsewhere' }), /no failover state in NeardUp\.Elsewhere/);
  });
});

describe('actions narrow their event', () => {
  test('an action wired to the wrong event fails loudly instead of recording nothing', () => {
    const config = failoverMachine.config;
    const wrong = failoverSetup.createMachine({ ...config, on: { ...config.on, STATUS_FAILED: { actions: 'recordStatus' } } } as never);
    const actor = createActor(wrong, { input: {} });
    const errors: unknown[] = [];
    actor.subscribe({ error: (error) => errors.push(error) });
    actor.start();
    actor.send({ type: 'STATUS_FAILED', error: 'ECONNREFUSED' });
    assert.equal(errors.length, 1, 'the actor stops with an error');
    assert.match(String(errors[0]), /Expected event .*STATUS_FAILED.* to have type matching "STATUS_OK"/);
  });
});
