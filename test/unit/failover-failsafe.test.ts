/**
 * Failsafe mode in the chart, a member's side (issue 18, docs/failsafe-design.md): a member that confirmed a
 * leader refrains. No lock taken meanwhile leads to Validating, whatever state the confirmation found the node
 * in; the refrain ends at its time, and only then does a held lock lead to Validating. Real chart, simulated clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chartIn, type ChartHarness } from '../support/chart-harness.js';

const W = 20_000;
const confirm = (chart: ChartHarness, ms = W) => chart.send({ type: 'FAILSAFE_CONFIRMED', refrainUntil: chart.clock.now() + ms });
const electionTypes = (chart: ChartHarness) => chart.electionCommands.map((c) => c.type);
const validatorRuns = (chart: ChartHarness) => chart.neardCommands.filter((c) => c.type === 'NEARD.RUN' && c.mode === 'validator').length;

describe('a member that confirmed a leader refrains', () => {
  test('Contending: stops seeking the lock, and contends again when the refrain ends', () => {
    const chart = chartIn('Voting');
    assert.equal(chart.detail(), 'Voting.Contending');
    chart.clearCommands();
    confirm(chart);
    assert.equal(chart.detail(), 'Voting.Refraining');
    assert.deepEqual(electionTypes(chart), ['ELECTION.ACQUIRE_STOP']);
    chart.advance(W - 1);
    assert.equal(chart.detail(), 'Voting.Refraining');
    chart.advance(1);
    assert.equal(chart.detail(), 'Voting.Contending');
    assert.deepEqual(electionTypes(chart), ['ELECTION.ACQUIRE_STOP', 'ELECTION.ACQUIRE_START']);
    assert.equal(chart.context().refrainUntil, null);
  });

  test('every confirmation pushes the end out; an earlier one never pulls it in', () => {
    const chart = chartIn('Voting');
    confirm(chart);
    chart.advance(15_000);
    confirm(chart); // ends at 35 s
    confirm(chart, 1_000); // would end at 16 s: ignored
    chart.advance(19_999);
    assert.equal(chart.detail(), 'Voting.Refraining');
    chart.advance(1);
    assert.equal(chart.detail(), 'Voting.Contending');
  });

  test('an acquire in flight that lands is held, not validated, until the refrain ends', () => {
    const chart = chartIn('Voting');
    chart.clearCommands();
    confirm(chart);
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.detail(), 'Voting.Refraining');
    assert.equal(chart.context().holdsLock, true);
    assert.equal(validatorRuns(chart), 0, 'no validator key while refraining');
    chart.advance(W);
    assert.equal(chart.state(), 'Validating');
    assert.equal(validatorRuns(chart), 1);
  });

  test('a confirmation while registering is kept: the lock taken later waits for the refrain', () => {
    const chart = chartIn('Registering');
    confirm(chart);
    chart.send({ type: 'SESSION_CREATED', sessionId: 'session-1', sentAt: chart.clock.now() });
    assert.equal(chart.detail(), 'Voting.Contending');
    chart.clearCommands();
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.detail(), 'Voting.Refraining');
    assert.equal(validatorRuns(chart), 0);
    chart.advance(W);
    assert.equal(chart.state(), 'Validating');
  });

  test('after the refrain a lock taken means Validating at once', () => {
    const chart = chartIn('Voting');
    confirm(chart);
    chart.advance(W);
    chart.send({ type: 'LOCK_ACQUIRED' });
    assert.equal(chart.state(), 'Validating');
  });
});

test('a validating node keeps no refrain: the confirm route refuses there, so a confirmation is not its own', () => {
  const chart = chartIn('Validating');
  confirm(chart);
  assert.equal(chart.state(), 'Validating');
  assert.equal(chart.context().refrainUntil, null);
});
