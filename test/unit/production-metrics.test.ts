/**
 * The production metrics (src/production-metrics.ts) as the failover observer feeds them from the real chart
 * on a simulated clock (src/production-feed.ts): a standby's verdict, its claims and a move held back, the
 * leader's own health, a handover for not producing, the check after a takeover counted once; and the
 * account's counts, absent while they cannot be read. Values read from the registry's own text output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import type { FailoverEvent, HandoverRecord } from '../../machines/failover-events.js';
import { PRODUCTION_REQUESTER } from '../../machines/production-moves.js';
import { FailoverObserver } from '../../src/failover-observer.js';
import { createMetrics, type DaemonMetrics } from '../../src/metrics.js';
import { CHART_NODE_ID, chartIn, type ChartHarness } from '../support/chart-harness.js';
import { parseMetricsText, sampleValue, type Sample } from '../support/metrics-text.js';

const SELF = CHART_NODE_ID;
const HOLD_MS = 1_800_000;

interface Watched {
  chart: ChartHarness;
  metrics: DaemonMetrics;
  observer: FailoverObserver;
}

function watched(state: 'Voting' | 'Validating', movesEnabled = true): Watched {
  const metrics = createMetrics(0);
  const observer = new FailoverObserver(pino({ level: 'silent' }), metrics);
  const chart = chartIn(state, {}, { inspect: observer.inspect, production: { holdMs: HOLD_MS, movesEnabled } });
  return { chart, metrics, observer };
}

const samples = async (metrics: DaemonMetrics): Promise<Sample[]> => parseMetricsText(await metrics.registry.metrics());

/** The label values of a one-hot gauge that are 1. */
async function ones(metrics: DaemonMetrics, name: string, label: string): Promise<string[]> {
  return (await samples(metrics)).filter((s) => s.name === name && s.value === 1).map((s) => s.labels[label]!);
}

const failing = (leaderId = 'peer'): FailoverEvent => ({
  type: 'PRODUCTION_VERDICT',
  verdict: { verdict: 'failing', reason: 'blocks missed', forMs: 10_000, detail: '5 expected blocks in a row not produced' },
  leaderId,
  countsProblem: null,
});
const healthy: FailoverEvent = { type: 'PRODUCTION_VERDICT', verdict: { verdict: 'healthy' }, leaderId: 'peer', countsProblem: null };

function move(fields: Partial<HandoverRecord>): HandoverRecord {
  return {
    id: 'm1',
    from: 'peer',
    to: 'other',
    mode: 'now',
    minimumLength: 10,
    window: null,
    requestedAt: 0,
    requestedBy: `${PRODUCTION_REQUESTER}other`,
    phase: 'done',
    deadlineAt: null,
    message: 'peer is not producing (blocks missed: 5 expected blocks in a row not produced)',
    ...fields,
  };
}

describe('production metrics from the chart', () => {
  test('a standby: its verdict one-hot, a claim counted once by reason when it enters Voting.Claiming', async () => {
    const { chart, metrics } = watched('Voting');
    assert.deepEqual(await ones(metrics, 'kuutamod_production_leader_verdict', 'verdict'), [], 'no verdict yet');
    chart.send(healthy);
    assert.deepEqual(await ones(metrics, 'kuutamod_production_leader_verdict', 'verdict'), ['healthy']);
    assert.deepEqual(await ones(metrics, 'kuutamod_production_own_health', 'health'), [], 'a standby has no own health');
    chart.send(failing());
    chart.send(failing());
    assert.equal(chart.detail(), 'Voting.Claiming');
    const s = await samples(metrics);
    assert.equal(sampleValue(s, 'kuutamod_production_claims_total', { reason: 'blocks-missed' }), 1);
    assert.equal(sampleValue(s, 'kuutamod_production_claims_total', { reason: 'head-stalled' }), 0);
    assert.equal(sampleValue(s, 'kuutamod_production_move_held'), 0, 'claiming is moving, not held');
    assert.deepEqual(await ones(metrics, 'kuutamod_production_leader_verdict', 'verdict'), ['failing']);
    chart.stop();
  });

  test('a failing verdict while the pool\'s last production move is younger than the hold: held, no claim, until the hold ends', async () => {
    const { chart, metrics } = watched('Voting');
    chart.send({ type: 'HANDOVER_UPDATED', record: move({ requestedAt: chart.clock.now() }) });
    chart.send(failing('other'));
    assert.equal(chart.detail(), 'Voting.Contending');
    let s = await samples(metrics);
    assert.equal(sampleValue(s, 'kuutamod_production_move_held'), 1);
    assert.equal(sampleValue(s, 'kuutamod_production_claims_total', { reason: 'blocks-missed' }), 0);
    chart.send(healthy);
    assert.equal(sampleValue(await samples(metrics), 'kuutamod_production_move_held'), 0, 'held only while the verdict is failing');
    chart.advance(HOLD_MS);
    chart.send(failing('other'));
    assert.equal(chart.detail(), 'Voting.Claiming');
    s = await samples(metrics);
    assert.equal(sampleValue(s, 'kuutamod_production_move_held'), 0);
    assert.equal(sampleValue(s, 'kuutamod_production_claims_total', { reason: 'blocks-missed' }), 1);
    chart.stop();
  });

  test('with --no-production-failover a failing verdict is held back (the alert is the move)', async () => {
    const { chart, metrics } = watched('Voting', false);
    chart.send(failing());
    assert.equal(chart.detail(), 'Voting.Contending');
    assert.equal(sampleValue(await samples(metrics), 'kuutamod_production_move_held'), 1);
    chart.stop();
  });

  test('the leader: its Leased substate one-hot, the takeover check counted once and kept for /state', async () => {
    const { chart, metrics, observer } = watched('Validating');
    assert.deepEqual(await ones(metrics, 'kuutamod_production_own_health', 'health'), ['checking']);
    assert.deepEqual(await ones(metrics, 'kuutamod_production_leader_verdict', 'verdict'), [], 'a leader judges no leader');
    const producing: FailoverEvent = { type: 'OWN_PRODUCTION', health: 'producing', takeover: { result: 'producing', detail: 'validating and producing: block #11' }, detail: 'producing', countsProblem: null };
    chart.send(producing);
    chart.send(producing);
    assert.deepEqual(await ones(metrics, 'kuutamod_production_own_health', 'health'), ['producing']);
    const s = await samples(metrics);
    assert.equal(sampleValue(s, 'kuutamod_takeover_checks_total', { result: 'producing' }), 1);
    assert.equal(sampleValue(s, 'kuutamod_takeover_checks_total', { result: 'not-producing' }), 0);
    assert.equal(sampleValue(s, 'kuutamod_takeover_checks_total', { result: 'unconfirmed' }), 0);
    assert.equal(observer.lastTakeoverCheck?.result, 'producing');
    assert.equal(observer.lastTakeoverCheck?.detail, 'validating and producing: block #11');
    chart.send({ type: 'OWN_PRODUCTION', health: 'degraded', takeover: null, detail: 'own head has not moved', countsProblem: null });
    assert.deepEqual(await ones(metrics, 'kuutamod_production_own_health', 'health'), ['degraded']);
    chart.stop();
  });

  test('a leader handing the role over for not producing is counted once, and its takeover check outlives Validating', async () => {
    const { chart, metrics, observer } = watched('Validating');
    chart.send({ type: 'OWN_PRODUCTION', health: 'degraded', takeover: { result: 'not-producing', detail: '5 blocks and chunks due since the takeover, none produced' }, detail: 'x', countsProblem: null });
    chart.send({ type: 'HANDOVER_UPDATED', record: move({ from: SELF, to: 'peer', requestedBy: `${PRODUCTION_REQUESTER}peer`, phase: 'requested' }) });
    assert.equal(chart.detail(), 'Voting.HandingOver');
    chart.send({ type: 'NEARD_KEY_RELEASED' });
    const s = await samples(metrics);
    assert.equal(sampleValue(s, 'kuutamod_production_handovers_total'), 1);
    assert.equal(sampleValue(s, 'kuutamod_takeover_checks_total', { result: 'not-producing' }), 1);
    assert.deepEqual(await ones(metrics, 'kuutamod_production_own_health', 'health'), [], 'no longer the leader');
    assert.equal(chart.context().production.takeover, null, 'the chart forgot it');
    assert.equal(observer.lastTakeoverCheck?.result, 'not-producing');
    chart.stop();
  });
});

describe('the account counts', () => {
  const counts = { epochStartHeight: 100, epochHeight: 3, expectedBlocks: 40, producedBlocks: 38, expectedChunks: 41, producedChunks: 41 };
  const COUNT_NAMES = ['kuutamod_account_blocks_expected', 'kuutamod_account_blocks_produced', 'kuutamod_account_chunks_expected', 'kuutamod_account_chunks_produced'];

  test('absent before the first poll; shown while readable; gone (readable 0) while not, and back', async () => {
    const metrics = createMetrics(0);
    let s = await samples(metrics);
    assert.deepEqual(COUNT_NAMES.concat('kuutamod_production_counts_readable').map((n) => sampleValue(s, n)), [undefined, undefined, undefined, undefined, undefined]);
    metrics.setAccountCounts(counts);
    s = await samples(metrics);
    assert.deepEqual(COUNT_NAMES.map((n) => sampleValue(s, n)), [40, 38, 41, 41]);
    assert.equal(sampleValue(s, 'kuutamod_production_counts_readable'), 1);
    metrics.setAccountCounts(null);
    metrics.setAccountCounts(null);
    s = await samples(metrics);
    assert.deepEqual(COUNT_NAMES.map((n) => sampleValue(s, n)), [undefined, undefined, undefined, undefined]);
    assert.equal(sampleValue(s, 'kuutamod_production_counts_readable'), 0);
    metrics.setAccountCounts({ ...counts, expectedBlocks: 41 });
    s = await samples(metrics);
    assert.deepEqual(COUNT_NAMES.map((n) => sampleValue(s, n)), [41, 38, 41, 41]);
    assert.equal(sampleValue(s, 'kuutamod_production_counts_readable'), 1);
  });
});
