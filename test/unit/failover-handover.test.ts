/**
 * The planned switchover in the chart (issue 8), guard by guard and delay by delay, on the real chart with
 * a simulated clock: the old leader (Voting.HandingOver), the candidate, the bystanders
 * (Voting.AwaitingHandover) and a node that becomes leader outside the handover. The chart's node id is
 * CHART_NODE_ID ('self'); records name 'peer' and 'other' for the rest of the pool.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HandoverRecord } from '../../machines/failover-events.js';
import { CHART_NODE_ID, chartIn, type ChartHarness } from '../support/chart-harness.js';

const SELF = CHART_NODE_ID;
const ok = (height: number) => ({ type: 'STATUS_OK', syncing: false, height, validatorAccountId: null }) as const;

function record(fields: Partial<HandoverRecord> = {}): HandoverRecord {
  return {
    id: 'h1',
    from: SELF,
    to: 'peer',
    mode: 'now',
    minimumLength: 10,
    window: null,
    requestedAt: 0,
    requestedBy: 'test',
    phase: 'requested',
    deadlineAt: null,
    message: null,
    ...fields,
  };
}

const update = (chart: ChartHarness, r: HandoverRecord | null) => chart.send({ type: 'HANDOVER_UPDATED', record: r });
const writes = (chart: ChartHarness) => chart.handoverCommands.map((c) => (c.type === 'HANDOVER.CLAIM' ? `claim: ${c.message}` : `${c.phase}${c.message ? `: ${c.message}` : ''}`));
const electionTypes = (chart: ChartHarness) => chart.electionCommands.map((c) => c.type);

describe('old leader: Voting.HandingOver', () => {
  test('handoverDue (mode now): neard restarts as voter, the lock (not the session) is freed only after the key is released', () => {
    const chart = chartIn('Validating');
    chart.clearCommands();
    update(chart, record());
    assert.equal(chart.detail(), 'Voting.HandingOver');
    assert.deepEqual(chart.neardCommands.filter((c) => c.type === 'NEARD.RUN'), [{ type: 'NEARD.RUN', mode: 'voter' }]);
    assert.deepEqual(chart.handoverCommands, [{ type: 'HANDOVER.WRITE', id: 'h1', phase: 'releasing', message: null, deadlineAt: chart.clock.now() + chart.timings.handoverDeadlineMs }]);
    assert.deepEqual(electionTypes(chart), [], 'nothing freed while the key may be in use, and no contending');
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    assert.deepEqual(electionTypes(chart), ['ELECTION.RELEASE_LOCK']);
    chart.send({ type: 'LOCK_RELEASED' });
    assert.equal(chart.context().holdsLock, false);
    assert.equal(chart.context().sessionOpen, true, 'the session lives on: the old leader stays a registered standby');
    assert.deepEqual(writes(chart), ['releasing', 'released']);
    update(chart, record({ phase: 'done' }));
    assert.equal(chart.detail(), 'Voting.Contending');
    assert.deepEqual(electionTypes(chart), ['ELECTION.RELEASE_LOCK', 'ELECTION.ACQUIRE_START']);
  });

  test('handoverDue (mode window): due once a /status head reaches the window start, not before', () => {
    const chart = chartIn('Validating');
    update(chart, record({ mode: 'window', window: { start: 20, end: 40 } }));
    chart.send(ok(19));
    assert.equal(chart.state(), 'Validating');
    chart.send(ok(20));
    assert.equal(chart.detail(), 'Voting.HandingOver');
  });

  test('handoverWindowMissed: a head already past the window end fails the record and keeps validating', () => {
    const chart = chartIn('Validating');
    update(chart, record({ mode: 'window', window: { start: 20, end: 40 } }));
    chart.clearCommands();
    chart.send(ok(40));
    assert.equal(chart.state(), 'Validating');
    assert.deepEqual(writes(chart), ["failed: window [20, 40) missed: self's head is at 40"]);
  });

  test('handoverDeadline: the candidate did not validate in time, the old leader contends again and says so once it holds the lock', () => {
    const chart = chartIn('Validating');
    update(chart, record());
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    chart.send({ type: 'LOCK_RELEASED' });
    chart.clearCommands();
    chart.advance(chart.timings.handoverDeadlineMs - 1);
    assert.equal(chart.detail(), 'Voting.HandingOver');
    chart.advance(1);
    assert.equal(chart.detail(), 'Voting.Contending');
    // Nothing written yet: the candidate may still take the freed lock, and then it writes done (chaos finding 5).
    assert.deepEqual(writes(chart), []);
    assert.deepEqual(electionTypes(chart), ['ELECTION.ACQUIRE_START']);
    // No echo of our releasing/released writes arrived (Consul cut): the record as known still says requested.
    assert.equal(chart.context().handover?.phase, 'requested');
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.state(), 'Validating');
    assert.deepEqual(writes(chart), ['failed: peer did not validate by the deadline; self takes the role back']);
  });

  test('a deadline before the key was released cancels the deferred lock release: our lock is never freed under a later leadership', () => {
    const chart = chartIn('Validating');
    update(chart, record());
    chart.advance(chart.timings.handoverDeadlineMs);
    assert.equal(chart.context().releaseLockPending, false);
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    assert.ok(!electionTypes(chart).includes('ELECTION.RELEASE_LOCK'));
  });

  test('registering anew mid-handover (its voter neard reported syncing), it waits for the deadline without the grace', () => {
    const chart = chartIn('Validating');
    update(chart, record());
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    chart.send({ type: 'LOCK_RELEASED' });
    update(chart, record({ phase: 'released', deadlineAt: chart.clock.now() + 5_000 }));
    chart.send({ type: 'STATUS_OK', syncing: true, height: 10, validatorAccountId: null });
    assert.equal(chart.state(), 'Syncing');
    chart.send({ type: 'SESSION_CLOSED' });
    chart.send(ok(11));
    chart.send({ type: 'SESSION_CREATED', sessionId: 'session-2', sentAt: chart.clock.now() });
    assert.equal(chart.detail(), 'Voting.AwaitingHandover');
    chart.advance(4_999);
    assert.equal(chart.detail(), 'Voting.AwaitingHandover');
    chart.advance(1);
    assert.equal(chart.detail(), 'Voting.Contending');
  });
});

describe('candidate', () => {
  test('handoverTakenOver: validating after a restart as validator marks the record done', () => {
    const chart = chartIn('Voting');
    update(chart, record({ from: 'peer', to: SELF, phase: 'released' }));
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.state(), 'Validating');
    assert.deepEqual(writes(chart), [], 'not done before its neard runs with the key');
    chart.send({ type: 'NEARD_STARTED', pid: 7, mode: 'validator', restart: false });
    assert.deepEqual(writes(chart), ['done: self validates']);
  });

  test('handoverTakenOver: a record that arrives after the neard started as validator marks it done too', () => {
    const chart = chartIn('Validating');
    update(chart, record({ from: 'peer', to: SELF, phase: 'released' }));
    assert.deepEqual(writes(chart), ['done: self validates']);
  });

  test('candidateOfHandover: a candidate giving a higher-priority standby a head start (Voting.Yielding) contends at once', () => {
    const chart = chartIn('Voting');
    chart.send({ type: 'ELIGIBILITY', eligible: true, reason: null, eligibleOthers: 1, outrankedBy: 'other' });
    assert.equal(chart.detail(), 'Voting.Yielding');
    chart.clearCommands();
    update(chart, record({ from: 'peer', to: SELF, phase: 'releasing' }));
    assert.equal(chart.detail(), 'Voting.Contending');
    assert.deepEqual(chart.electionCommands, [{ type: 'ELECTION.ACQUIRE_STOP' }, { type: 'ELECTION.ACQUIRE_START' }]);
  });

  test('a candidate that won a failover before the handover began ends it as failed', () => {
    const chart = chartIn('Voting');
    update(chart, record({ from: 'peer', to: SELF, phase: 'requested' }));
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.deepEqual(writes(chart), ['failed: leader changed: self took the role outside the handover']);
  });
});

describe('bystanders: Voting.AwaitingHandover', () => {
  test('yieldsToHandover: no contending while another node hands the lock to its candidate; back when the record ends', () => {
    const chart = chartIn('Voting');
    update(chart, record({ from: 'peer', to: 'other', phase: 'requested' }));
    assert.equal(chart.detail(), 'Voting.Contending', 'a request alone changes nothing: a failover may still happen');
    chart.clearCommands();
    update(chart, record({ from: 'peer', to: 'other', phase: 'releasing', deadlineAt: chart.clock.now() + 10_000 }));
    assert.equal(chart.detail(), 'Voting.AwaitingHandover');
    assert.deepEqual(electionTypes(chart), ['ELECTION.ACQUIRE_STOP']);
    update(chart, record({ from: 'peer', to: 'other', phase: 'done' }));
    assert.equal(chart.detail(), 'Voting.Contending');
  });

  test('yieldDeadline: contends again at the deadline plus the grace, after the old leader', () => {
    const chart = chartIn('Voting');
    update(chart, record({ from: 'peer', to: 'other', phase: 'released', deadlineAt: chart.clock.now() + 10_000 }));
    chart.advance(10_000 + chart.timings.handoverYieldGraceMs - 1);
    assert.equal(chart.detail(), 'Voting.AwaitingHandover');
    chart.advance(1);
    assert.equal(chart.detail(), 'Voting.Contending');
  });

  test('a bystander that becomes leader while a handover is open ends it as failed', () => {
    const chart = chartIn('Voting');
    update(chart, record({ from: 'peer', to: 'other', phase: 'requested' }));
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.deepEqual(writes(chart), ['failed: leader changed: self took the role outside the handover']);
  });
});

describe('production moves (issue 17)', () => {
  const failing = { type: 'PRODUCTION_VERDICT', verdict: { verdict: 'failing', reason: 'blocks missed', forMs: 1_000, detail: '5 expected blocks in a row not produced' }, leaderId: 'peer', countsProblem: null } as const;

  test('a standby whose verdict on the leader is failing claims the role by a mode-now record and keeps contending', () => {
    const chart = chartIn('Voting');
    chart.clearCommands();
    chart.send({ ...failing, verdict: { verdict: 'suspect', reason: 'blocks missed', forMs: 400, detail: '2 expected blocks in a row not produced' } });
    assert.equal(chart.detail(), 'Voting.Contending', 'suspect: no claim');
    chart.send(failing);
    assert.equal(chart.detail(), 'Voting.Claiming');
    assert.deepEqual(chart.handoverCommands, [
      { type: 'HANDOVER.CLAIM', from: 'peer', to: 'self', requestedBy: 'production check on self', message: 'peer is not producing (blocks missed: 5 expected blocks in a row not produced)' },
    ]);
    assert.deepEqual(electionTypes(chart), ['ELECTION.ACQUIRE_STOP', 'ELECTION.ACQUIRE_START'], 'still seeking the lock the leader will free');
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.state(), 'Validating');
  });

  test('no claim while a handover is under way, and a claim that did not become one is given up at its deadline', () => {
    const chart = chartIn('Voting');
    update(chart, record({ from: 'peer', to: 'other', phase: 'requested', id: 'op' }));
    chart.send(failing);
    assert.equal(chart.detail(), 'Voting.Contending', 'an operator switchover is under way');
    update(chart, record({ from: 'peer', to: 'other', phase: 'cancelled', id: 'op' }));
    chart.send(failing);
    assert.equal(chart.detail(), 'Voting.Claiming');
    // The claim is written, and the leader never starts it: withdrawn, only if still requested.
    update(chart, record({ id: 'claim', from: 'peer', to: SELF, requestedBy: `production check on ${SELF}` }));
    chart.clearCommands();
    chart.clock.increment(chart.timings.handoverDeadlineMs);
    assert.equal(chart.detail(), 'Voting.Contending');
    assert.deepEqual(chart.handoverCommands, [{ type: 'HANDOVER.WRITE', id: 'claim', phase: 'cancelled', message: 'peer did not start the handover within 60 s', onlyFrom: 'requested' }]);
  });

  test('the leader that hands over for not producing is benched for --production-hold; an operator switchover benches nobody', () => {
    const moved = chartIn('Validating');
    update(moved, record({ requestedBy: 'production check on peer', message: 'self is not producing (head stalled)' }));
    assert.equal(moved.detail(), 'Voting.HandingOver');
    assert.deepEqual(moved.context().bench, { until: moved.clock.now() + moved.context().productionRule.holdMs, reason: 'self is not producing (head stalled)' });
    const switched = chartIn('Validating');
    update(switched, record());
    assert.equal(switched.detail(), 'Voting.HandingOver');
    assert.equal(switched.context().bench, null);
  });

  test("the leader's own production: Checking, then Producing or Degraded, kept across renewals", () => {
    const chart = chartIn('Validating');
    assert.equal(chart.detail(), 'Validating.Leased.Checking');
    chart.send({ type: 'OWN_PRODUCTION', health: 'producing', takeover: { result: 'producing', detail: 'validating and producing: block #12' }, detail: 'producing', countsProblem: null });
    assert.equal(chart.detail(), 'Validating.Leased.Producing');
    assert.deepEqual(chart.context().production.takeover, { result: 'producing', detail: 'validating and producing: block #12' });
    chart.send({ type: 'OWN_PRODUCTION', health: 'degraded', takeover: null, detail: 'own head has not moved', countsProblem: null });
    assert.equal(chart.detail(), 'Validating.Leased.Degraded');
    chart.send({ type: 'SESSION_RENEWED', sentAt: chart.clock.now() });
    assert.equal(chart.detail(), 'Validating.Leased.Degraded', 'a renewal restores the production substate');
    assert.deepEqual(chart.context().production.takeover, { result: 'producing', detail: 'validating and producing: block #12' }, 'the check result stays');
  });
});
