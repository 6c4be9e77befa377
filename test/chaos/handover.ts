// Brings the chaos world into the middle of a planned switchover, for the mid-handover faults: the
// operator's `kuutamoctl switchover --now --to <standby>` run on the leader's machine (it finds the
// control socket from the neard home, as an operator's shell would), then the harness follows the pool's
// handover record in Consul until the phase the fault wants. The record is read on a server's HTTP API,
// not through an agent, so a cut agent does not blind the harness.
import { createConsulClient } from '../../services/consul/client.js';
import { isTerminalPhase, phaseRank, readHandover, type HandoverPhase, type HandoverRecord } from '../../services/pool/handover-record.js';
import { ACCOUNT_ID } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import type { ChaosNode, ChaosWorld } from './cluster.js';
import { until, untilValue, WaitTimeoutError } from '../support/until.js';

/** A refused request is retried this long: a restarted standby's member record may still say Syncing. */
const REQUEST_TIMEOUT_MS = 30_000;
const REQUEST_RETRY_MS = 500;
/** The record is read this often while the harness waits for a phase (a phase may last only ~100 ms). */
const RECORD_POLL_MS = 5;

/** The pool's handover record as a live server has it (undefined: none, or no server answered). */
export async function currentHandover(world: ChaosWorld): Promise<HandoverRecord | undefined> {
  for (const server of world.consul.servers.filter((s) => s.alive())) {
    const consul = createConsulClient({ url: server.url, requestTimeoutMs: 2_000 });
    try {
      return (await readHandover(consul, ACCOUNT_ID))?.record;
    } catch {
      // next server
    } finally {
      consul.destroy();
    }
  }
  return undefined;
}

/** The standby a handover fault hands to: the first node that is not the leader. */
export function standbyOf(world: ChaosWorld, leader: ChaosNode): ChaosNode {
  const standby = world.nodes.find((node) => node !== leader);
  if (!standby) throw new Error('a switchover needs a standby: run the chaos world with 2 or 3 daemons');
  return standby;
}

/** Ask the leader's daemon for `switchover --now --to <candidate>`; returns the new record's id. */
export async function requestSwitchover(world: ChaosWorld, leader: ChaosNode, candidate: ChaosNode): Promise<string> {
  const previous = (await currentHandover(world))?.id;
  let last = '';
  return untilValue(
    `kuutamoctl switchover --now --to ${candidate.name} on ${leader.name} to be accepted`,
    async () => {
      const result = await kuutamoctl(['switchover', '--now', '--to', candidate.name], { KUUTAMO_NEARD_HOME: leader.home.home });
      const record = await currentHandover(world);
      if (result.code === 0 && record !== undefined && record.id !== previous) return record.id;
      last = `exit ${result.code}: ${result.stdout}${result.stderr}`.trim();
      return undefined;
    },
    { timeoutMs: REQUEST_TIMEOUT_MS, intervalMs: REQUEST_RETRY_MS, detail: () => `last: ${last}` },
  );
}

/**
 * Wait until record `id` is at `phase` or past it; returns the phase seen (a later one means the
 * handover ran faster than the harness looked: the fault's detail says so).
 */
export async function waitForPhase(world: ChaosWorld, id: string, phase: HandoverPhase, timeoutMs = 20_000): Promise<HandoverPhase> {
  let seen: HandoverRecord | undefined;
  return untilValue(
    `switchover ${id} to reach phase ${phase}`,
    async () => {
      seen = await currentHandover(world);
      return seen?.id === id && phaseRank(seen.phase) >= phaseRank(phase) ? seen.phase : undefined;
    },
    { timeoutMs, intervalMs: RECORD_POLL_MS, detail: () => `record: ${JSON.stringify(seen)}` },
  );
}

/** Wait until the leader key no longer names `session` (freed, or taken by the candidate). */
export async function waitForLockLeaving(world: ChaosWorld, session: string | null, timeoutMs = 20_000): Promise<void> {
  // Every 2 ms: the harness times the handover from this moment.
  await until(`the lock to stop naming session ${session}`, () => world.lock.current() !== session, { timeoutMs, intervalMs: 2 });
}

/** How long a record may take to end once the pool is healthy again (a write retried after a Consul cut). */
const SETTLE_TIMEOUT_MS = 15_000;

export interface HandoverOutcome {
  /** The record's last phase and message, for the trial's log line. */
  outcome: string;
  /** Set when the record did not end: a handover left waiting is a bug (docs/chaos.md). */
  problem: string | null;
}

/**
 * Wait until record `id` ended (done, failed or cancelled); a record that stays open is a problem. The
 * outcome names the node validating now, and says when the record tells the operator otherwise (a
 * warning, not a failed trial: docs/chaos.md, finding 5).
 */
export async function handoverSettled(world: ChaosWorld, id: string, validator: ChaosNode): Promise<HandoverOutcome> {
  let seen: HandoverRecord | undefined;
  try {
    return await untilValue(
      `switchover ${id} to end`,
      async (): Promise<HandoverOutcome | undefined> => {
        seen = await currentHandover(world);
        if (seen?.id !== id) return { outcome: 'record replaced', problem: `switchover ${id}: the record was replaced by ${seen?.id ?? 'nothing'}` };
        if (!isTerminalPhase(seen.phase)) return undefined;
        const misleading = recordAgrees(seen, validator.name) ? '' : ` MISLEADING: ${validator.name} validates`;
        return { outcome: `record ${seen.phase}${seen.message === null ? '' : `: ${seen.message}`}${misleading}`, problem: null };
      },
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 100 },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    return { outcome: `record stuck at ${seen?.phase}`, problem: `switchover ${id}: record still ${seen?.phase} ${SETTLE_TIMEOUT_MS} ms after the pool was healthy again` };
  }
}

/**
 * Does an ended record tell the operator who validates now? done: the candidate; failed with "takes the
 * role back": the old leader; any other failure (a bystander took the role) must name the validator.
 */
export function recordAgrees(record: HandoverRecord, validator: string): boolean {
  if (record.phase === 'done') return validator === record.to;
  if (record.message?.includes('takes the role back') === true) return validator === record.from;
  return record.message?.includes(validator) === true;
}
