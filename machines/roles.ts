/**
 * What a state of the failover chart means for the pool, said once: the chart's states carry these tags,
 * and every reader (probes, the role-change hook, kuutamoctl list and restart, metrics, the observer)
 * asks here instead of matching state names. stateNamesOf is the one place that turns a state into the
 * names operators see.
 */
import type { StateValue } from 'xstate';
import { FAILOVER_STATES, type FailoverContext, type FailoverStateName } from './failover-context.js';

/**
 * The tags of the chart's states. Exactly one of the four roles is on every state:
 * - validator: Validating, the lock is ours and neard runs (or is being started) with the validator key;
 * - standby: Voting, a registered node (it holds a session) that could take the lock;
 * - syncing: Startup, Syncing, Registering, neard is not (yet) ready to take over;
 * - stopped: Shutdown.
 * And two more on some states:
 * - contending: Voting.Contending and Voting.Yielding, the states that try for the lock;
 * - inElection: Registering, Voting and Validating, the states a synced node takes part in the election in.
 */
export type Role = 'validator' | 'standby' | 'syncing' | 'stopped';
export const ROLES: readonly Role[] = ['validator', 'standby', 'syncing', 'stopped'];
export type FailoverTag = Role | 'contending' | 'inElection';

/** The part of a chart snapshot the readers below need (a full snapshot satisfies it). */
export interface TaggedSnapshot {
  hasTag(tag: FailoverTag): boolean;
  context: Pick<FailoverContext, 'holdsLock' | 'neardMode' | 'syncing' | 'keyInUse'>;
}

/** The node's role for the pool (the role-change hook's argument, the member record's role). */
export function roleOf(snapshot: TaggedSnapshot): Role {
  const role = ROLES.find((tag) => snapshot.hasTag(tag));
  if (role === undefined) throw new Error('a failover state carries no role tag (machines/roles.ts)');
  return role;
}

/** Validating, holding the lock, and neard was reported started with the validator key (probe /leader). */
export function validates(snapshot: TaggedSnapshot): boolean {
  return snapshot.hasTag('validator') && snapshot.context.holdsLock && snapshot.context.neardMode === 'validator';
}

/** Tries for the lock: synced, eligible, not --no-failover (probe /standby). Standing aside and resigning do not. */
export function contends(snapshot: TaggedSnapshot): boolean {
  return snapshot.hasTag('contending');
}

/** neard's last /status said synced, and the node takes part in the election (probe /readiness). */
export function isReady(snapshot: TaggedSnapshot): boolean {
  return snapshot.hasTag('inElection') && snapshot.context.syncing === false;
}

/**
 * This node validates, or its neard may still hold the validator key (it left Validating and the key's
 * release is not confirmed yet): nothing may act on its neard as on a standby's.
 */
export function holdsValidatorRole(snapshot: TaggedSnapshot): boolean {
  return snapshot.hasTag('validator') || snapshot.context.keyInUse;
}

/** What an operator sees of a state: the kuutamod state, and the path down to the active leaf. */
export interface StateNames {
  /** One of the six kuutamod states, e.g. "Validating" (metrics, logs, /state). */
  state: FailoverStateName;
  /** The kuutamod state and its active substates, e.g. "Validating.Leased" or "Shutdown.StoppingNeard". */
  detail: string;
}

/**
 * Turns a state of the chart into the names operators see. Grouping states such as NeardUp and InSession
 * only hold transitions their children share: they are left out, so
 * {NeardUp: {InSession: {Validating: 'Leased'}}} is "Validating" / "Validating.Leased".
 * Takes a snapshot value, or the key path of a state node (StateNode.path).
 */
export function stateNamesOf(value: StateValue | readonly string[]): StateNames {
  const path = Array.isArray(value) ? [...(value as readonly string[])] : keyPath(value as StateValue);
  const at = path.findIndex((key) => (FAILOVER_STATES as readonly string[]).includes(key));
  if (at < 0) throw new Error(`no failover state in ${path.join('.') || '(empty path)'}`);
  return { state: path[at] as FailoverStateName, detail: path.slice(at).join('.') };
}

/** The keys from the root to the active leaf (the chart has no parallel states: one child per level). */
function keyPath(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  const [key, inner] = Object.entries(value)[0] ?? [];
  return key === undefined ? [] : inner === undefined ? [key] : [key, ...keyPath(inner)];
}
