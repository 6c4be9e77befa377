/**
 * Why the validator changed (machines/history-rules.ts): the words a leaving leader records for each fact
 * that moves it out of Validating, the kind of a planned handover, and what a new leader does at its
 * takeover (record the handover's kind, complete the old leader's give-up, wait for one, or judge the old
 * leader's member record when none came).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HandoverRecord } from '../../machines/failover-events.js';
import type { HistoryEntry } from '../../machines/history-list.js';
import { leavingReasonOf, planTakeover, plannedReasonOf, settledTakeover, type PreviousHolder } from '../../machines/history-rules.js';
import { stateNamesOf } from '../../machines/roles.js';

const to = (detail: string) => stateNamesOf(detail.split('.'));

const handover = (fields: Partial<HandoverRecord> = {}): HandoverRecord => ({
  id: 'h1',
  from: 'node0',
  to: 'node1',
  mode: 'now',
  minimumLength: 1,
  window: null,
  requestedAt: 1_000,
  requestedBy: 'kuutamoctl (pid 1, user op)',
  phase: 'releasing',
  deadlineAt: 61_000,
  message: null,
  ...fields,
});

let ids = 0;
const entry = (from: string | null, toNode: string | null, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id: `e${++ids}`,
  at: 1_000 * ids,
  from,
  to: toNode,
  reason: 'crash',
  detail: '',
  recordedBy: toNode ?? from ?? 'x',
  takenAt: null,
  ...fields,
});

describe('a leader leaving Validating records why', () => {
  test('neard exited, hung or could not start: crash, with the exit in words', () => {
    assert.deepEqual(leavingReasonOf(to('Startup'), { type: 'NEARD_EXITED', pid: 7, mode: 'validator', code: null, signal: 'SIGKILL' }), {
      reason: 'crash',
      detail: 'neard (validator) exited on SIGKILL',
    });
    assert.equal(leavingReasonOf(to('Startup'), { type: 'NEARD_EXITED', pid: 7, mode: 'validator', code: 101, signal: null })?.detail, 'neard (validator) exited with code 101');
    assert.equal(leavingReasonOf(to('Startup'), { type: 'STATUS_FAILED', error: 'timeout' })?.reason, 'crash');
    assert.equal(leavingReasonOf(to('Shutdown.StoppingNeard'), { type: 'NEARD_SPAWN_FAILED', error: 'ENOENT' })?.reason, 'crash');
  });

  test('a stop signal is an operator stop; no renewal or a lost session is a Consul outage', () => {
    assert.deepEqual(leavingReasonOf(to('Shutdown.StoppingNeard'), { type: 'SHUTDOWN', reason: 'SIGTERM' }), { reason: 'operator stop', detail: 'kuutamod stopped (SIGTERM)' });
    // The step-down is Validating's lease deadline: known by the state it leads to, whatever the delayed event is called.
    assert.equal(leavingReasonOf(to('Voting.Resigning'), { type: 'xstate.after.stepDownDeadline.failover' })?.reason, 'consul outage');
    assert.equal(leavingReasonOf(to('Registering'), { type: 'SESSION_LOST' })?.reason, 'consul outage');
  });

  test('a planned handover is left to the taker; anything else is unknown, said with its state and fact', () => {
    assert.equal(leavingReasonOf(to('Voting.HandingOver'), { type: 'HANDOVER_CHECK' }), null);
    assert.deepEqual(leavingReasonOf(to('Syncing'), { type: 'SOMETHING_NEW' }), { reason: 'unknown', detail: 'left Validating for Syncing on SOMETHING_NEW' });
  });
});

describe('the kind of a planned handover', () => {
  test('switchover, restart and production moves are told apart by who asked', () => {
    assert.deepEqual(plannedReasonOf(handover()), { reason: 'switchover', detail: 'requested by kuutamoctl (pid 1, user op), at once' });
    assert.deepEqual(plannedReasonOf(handover({ mode: 'window', window: { start: 100, end: 120 }, requestedBy: 'kuutamoctl restart on node0' })), {
      reason: 'restart',
      detail: 'kuutamoctl restart on node0, in window [100, 120)',
    });
    const production = plannedReasonOf(handover({ requestedBy: 'production check on node1', message: 'node0 missed 5 blocks' }));
    assert.deepEqual(production, { reason: 'production', detail: 'production check on node1: node0 missed 5 blocks' });
  });
});

describe('a node taking the role', () => {
  const facts = { nodeId: 'node1', handover: null, holderSeen: null, entries: [] as HistoryEntry[] };

  test("a handover's candidate records its kind from the record, at once", () => {
    const plan = planTakeover({ ...facts, handover: handover(), holderSeen: 'node0' });
    assert.deepEqual(plan, { kind: 'record', from: 'node0', reason: 'switchover', detail: 'requested by kuutamoctl (pid 1, user op), at once' });
    // Only requested (not releasing): this node took the lock by a failover, not by the plan.
    assert.equal(planTakeover({ ...facts, handover: handover({ phase: 'requested' }), holderSeen: 'node0' }).kind, 'await');
    // Another node's candidate: not this node's plan (that handover failed, see below).
    const other = planTakeover({ ...facts, handover: handover({ to: 'node2' }), holderSeen: 'node0' });
    assert.equal(other.kind === 'record' && other.reason, 'handover failed');
  });

  test("the old leader's open give-up is completed, whether it is the holder seen or the history's last validator", () => {
    const giveUp = entry('node0', null, { reason: 'operator stop' });
    const entries = [entry(null, 'node0', { reason: 'first start' }), giveUp];
    assert.deepEqual(planTakeover({ ...facts, holderSeen: 'node0', entries }), { kind: 'complete', giveUp });
    assert.deepEqual(planTakeover({ ...facts, holderSeen: null, entries }), { kind: 'complete', giveUp });
    // The holder seen is stale (node2 took over meanwhile and crashed): node2's give-up, from the history, is the one.
    const later = [...entries.slice(0, 1), entry('node0', 'node2', { reason: 'switchover' }), entry('node2', null)];
    const plan = planTakeover({ ...facts, holderSeen: 'node0', entries: later });
    assert.equal(plan.kind === 'complete' && plan.giveUp.from, 'node2');
  });

  test("a give-up that reached Consul late, after someone took over from that node, is never completed", () => {
    // node0 stepped down while cut off from Consul; node1 took over (daemon lost); node0's entry arrived later.
    const entries = [entry(null, 'node0'), entry('node0', 'node1', { reason: 'daemon lost' }), entry('node0', null, { reason: 'consul outage' })];
    // Now node1's daemon died and node2 takes over: node1 is the one to wait for.
    assert.deepEqual(planTakeover({ nodeId: 'node2', handover: null, holderSeen: 'node1', entries }), { kind: 'await', candidates: ['node1'] });
  });

  test('no earlier validator anywhere: first start', () => {
    assert.deepEqual(planTakeover(facts), { kind: 'record', from: null, reason: 'first start', detail: "no earlier validator in the pool's history or member records" });
  });

  test('the lock freed for a candidate that never took it: handover failed, whoever takes it (the old leader, a bystander)', () => {
    const own = handover({ from: 'node1', to: 'node2', phase: 'released' });
    const plan = planTakeover({ ...facts, handover: own, entries: [entry('node0', 'node1')] });
    assert.deepEqual(plan, { kind: 'record', from: 'node1', reason: 'handover failed', detail: "node2 did not validate by the handover's deadline; node1 took the role back" });
    const bystander = planTakeover({ ...facts, nodeId: 'node3', handover: own, holderSeen: 'node1', entries: [entry('node0', 'node1')] });
    assert.deepEqual(bystander, { kind: 'record', from: 'node1', reason: 'handover failed', detail: "node2 did not validate by the handover's deadline; node3 took it" });
    // The candidate did take it, and crashed: its own give-up is the reason.
    const crashed = [entry('node0', 'node1'), entry('node1', 'node2', { reason: 'switchover' }), entry('node2', null)];
    assert.equal(planTakeover({ ...facts, handover: own, entries: crashed }).kind, 'complete');
  });

  test('the history names this node and no give-up of it: its previous run was lost', () => {
    const plan = planTakeover({ ...facts, entries: [entry('node0', 'node1')] });
    assert.equal(plan.kind === 'record' && plan.reason, 'daemon lost');
    assert.equal(plan.kind === 'record' && plan.from, 'node1');
  });

  test('another holder without a give-up yet: wait for it (the holder seen first, then the history)', () => {
    assert.deepEqual(planTakeover({ ...facts, holderSeen: 'node2', entries: [entry(null, 'node0')] }), { kind: 'await', candidates: ['node2', 'node0'] });
  });
});

describe('no give-up came: the old leader judged by its member record', () => {
  const holder = (nodeId: string, record: PreviousHolder['record'], live: boolean): PreviousHolder => ({ nodeId, record, live });

  test('record gone or not rewritten: daemon lost; rewritten: unknown (it runs, but said nothing)', () => {
    assert.equal(settledTakeover([holder('node0', null, false)], null).reason, 'daemon lost');
    assert.match(settledTakeover([holder('node0', null, false)], null).detail, /member record is gone/);
    const stale = settledTakeover([holder('node0', { detail: 'Validating.Leased', holdsLock: true }, false)], null);
    assert.deepEqual([stale.from, stale.reason], ['node0', 'daemon lost']);
    const live = settledTakeover([holder('node0', { detail: 'Voting.Contending', holdsLock: false }, true)], null);
    assert.deepEqual([live.from, live.reason], ['node0', 'unknown']);
  });

  test('the candidate whose record still claims the lock is the previous holder', () => {
    const settled = settledTakeover([holder('node2', { detail: 'Voting.Contending', holdsLock: false }, true), holder('node0', { detail: 'Validating.Leased', holdsLock: true }, false)], null);
    assert.deepEqual([settled.from, settled.reason], ['node0', 'daemon lost']);
  });

  test('when the records cannot tell (this daemon stops, Consul did not answer): unknown, saying why', () => {
    const settled = settledTakeover([holder('node0', null, false)], 'the member records could not be read');
    assert.deepEqual(settled, { from: 'node0', reason: 'unknown', detail: 'node0 recorded no reason, and the member records could not be read' });
    assert.equal(settledTakeover([], null).reason, 'first start');
  });
});
