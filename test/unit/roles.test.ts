/**
 * The chart's state tags (machines/roles.ts): every state of the chart has exactly one role, the role of
 * each kuutamod state is the one the role-change hook has always announced, and the probes' predicates
 * hold in exactly the states docs/probes.md names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnyStateNode } from 'xstate';
import { failoverMachine } from '../../machines/failover.js';
import { contends, holdsValidatorRole, isReady, roleOf, ROLES, stateNamesOf, validates, type Role } from '../../machines/roles.js';

/** Every leaf state of the chart, as a snapshot in that state (context: the machine's initial one). */
function leafSnapshots() {
  const leaves: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    const children = Object.values(node.states);
    if (children.length === 0) leaves.push(node);
    children.forEach(walk);
  };
  walk(failoverMachine.root);
  const initial = failoverMachine.getInitialSnapshot({ self: undefined, system: undefined } as never, {});
  return leaves.map((node) => {
    const value = node.path.reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined);
    return { detail: stateNamesOf(node.path).detail, snapshot: failoverMachine.resolveState({ value: value as never, context: initial.context }) };
  });
}

const EXPECTED_ROLE: Record<string, Role> = { Startup: 'syncing', Syncing: 'syncing', Registering: 'syncing', Voting: 'standby', Validating: 'validator', Shutdown: 'stopped' };

test('every state has exactly one role, the one of its kuutamod state', () => {
  const leaves = leafSnapshots();
  assert.ok(leaves.length >= 12, `found ${leaves.length} leaf states`);
  for (const { detail, snapshot } of leaves) {
    const roles = ROLES.filter((role) => snapshot.hasTag(role));
    assert.deepEqual(roles, [EXPECTED_ROLE[stateNamesOf(snapshot.value).state]], `${detail}: ${roles.join(', ')}`);
    assert.equal(roleOf(snapshot), roles[0]);
  }
});

test('contending only in Voting.Contending, Voting.Yielding and Voting.Claiming; in the election from Registering to Validating', () => {
  for (const { detail, snapshot } of leafSnapshots()) {
    assert.equal(contends(snapshot), ['Voting.Contending', 'Voting.Yielding', 'Voting.Claiming'].includes(detail), detail);
    const synced = { ...snapshot, context: { ...snapshot.context, syncing: false } };
    assert.equal(isReady(synced), ['Registering', 'Voting', 'Validating'].includes(stateNamesOf(snapshot.value).state), detail);
    assert.equal(isReady({ ...snapshot, context: { ...snapshot.context, syncing: true } }), false, `${detail} while syncing`);
  }
});

test('validates needs the lock and a validator neard; holdsValidatorRole also while the key is not confirmed released', () => {
  const byDetail = new Map(leafSnapshots().map(({ detail, snapshot }) => [detail, snapshot]));
  const leased = byDetail.get('Validating.Leased.Checking')!;
  const withContext = (snapshot: typeof leased, fields: Partial<typeof leased.context>) => Object.assign(Object.create(snapshot) as typeof leased, { context: { ...snapshot.context, ...fields } });
  assert.equal(validates(withContext(leased, { holdsLock: true, neardMode: 'validator' })), true);
  assert.equal(validates(withContext(leased, { holdsLock: true, neardMode: 'voter' })), false, 'neard not started with the key yet');
  assert.equal(validates(withContext(leased, { holdsLock: false, neardMode: 'validator' })), false);
  assert.equal(holdsValidatorRole(withContext(leased, { keyInUse: false })), true);
  const handingOver = byDetail.get('Voting.HandingOver')!;
  assert.equal(holdsValidatorRole(withContext(handingOver, { keyInUse: true })), true, 'the old leader until its key is released');
  assert.equal(holdsValidatorRole(withContext(handingOver, { keyInUse: false })), false);
});
