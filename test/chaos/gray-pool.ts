// What the gray faults (issue 17) read of the pool: the member records (each standby's verdict on the
// leader, its bench) and the handover record, on a server's HTTP API like handover.ts. Before a gray fault
// the standbys must be able to judge: past the grace, not benched, the last production move older than
// the hold; else a "no move" would prove nothing and a move would be held.
import { createConsulClient } from '../../services/consul/client.js';
import type { HandoverRecord } from '../../services/pool/handover-record.js';
import { readMembers, type MemberRecord } from '../../services/pool/member-record.js';
import { PRODUCTION_REQUESTER } from '../../machines/production-moves.js';
import { ACCOUNT_ID } from '../support/kuutamod.js';
import { untilValue, WaitTimeoutError } from '../support/until.js';
import type { ChaosNode, ChaosWorld } from './cluster.js';
import type { HandoverOutcome } from './handover.js';
import { currentHandover } from './handover.js';
import { GRAY_PRODUCTION } from './timings.js';

/** Reading records every 100 ms: they are rewritten every second (GRAY_PRODUCTION.publishMs). */
const POLL_MS = 100;
/** Grace, hold and a few publish intervals fit in this, with room for a loaded machine. */
const READY_TIMEOUT_MS = 60_000;

/** The pool's member records as a live server has them ([] if none answered). */
export async function membersNow(world: ChaosWorld): Promise<MemberRecord[]> {
  for (const server of world.consul.servers.filter((s) => s.alive())) {
    const consul = createConsulClient({ url: server.url, requestTimeoutMs: 2_000 });
    try {
      return (await readMembers(consul, ACCOUNT_ID)).members;
    } catch {
      // next server
    } finally {
      consul.destroy();
    }
  }
  return [];
}

const isProductionMove = (record: HandoverRecord | undefined): boolean => record?.requestedBy.startsWith(PRODUCTION_REQUESTER) === true;

/**
 * Wait until every one of `judges` publishes a healthy verdict on the leader, written after the leader's grace
 * (counted from its neard's validator_start, so a verdict left from an earlier leader does not count), and is
 * eligible (its bench ended), and the last production move is older than the hold. Returns the handover
 * record's id then (undefined: none), to tell a record written by the trial.
 */
export async function waitJudgedHealthy(world: ChaosWorld, leader: ChaosNode, judges: readonly ChaosNode[]): Promise<string | undefined> {
  const since = world.recorder.openIntervals().find((i) => i.home === leader.home.home)?.start ?? 0;
  let last = '';
  return untilValue(
    `${judges.map((j) => j.name).join(', ')} judging ${leader.name} healthy`,
    async () => {
      const record = await currentHandover(world);
      const members = await membersNow(world);
      // Not a wait any more: the role moved after the previous trial ended (say so rather than time out). The
      // validator log says who validates; a member record may still be a moment old.
      const validating = world.recorder.openIntervals();
      if (!validating.some((i) => i.home === leader.home.home)) {
        throw new Error(`${leader.name} no longer validates (${validating.map((i) => i.home).join(', ') || 'nobody'} does): the role moved after the previous trial (handover record: ${JSON.stringify(record)})`);
      }
      const held = isProductionMove(record) && Date.now() - record!.requestedAt < GRAY_PRODUCTION.holdMs;
      const ready = judges.every((j) => {
        const m = members.find((r) => r.nodeId === j.name);
        return m?.eligible === true && m.production?.verdict === 'healthy' && m.publishedAt >= since + GRAY_PRODUCTION.graceMs;
      });
      last = JSON.stringify({ held, members: members.map((m) => `${m.nodeId}:${m.state}/eligible=${m.eligible}/${m.production?.verdict ?? '-'}`) });
      // A wrapper object: "no record yet" (undefined) must not read as "not ready".
      return !held && ready ? { id: record?.id } : undefined;
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: POLL_MS, detail: () => `last: ${last}` },
  ).then((r) => r.id);
}

/** Wait until `node` publishes `verdict` in a record written after `afterMs` (wall clock). */
export async function waitVerdict(world: ChaosWorld, node: ChaosNode, verdict: string, afterMs: number): Promise<void> {
  let last: MemberRecord | undefined;
  await untilValue(
    `${node.name} publishing the verdict ${verdict}`,
    async () => {
      last = (await membersNow(world)).find((m) => m.nodeId === node.name);
      return last !== undefined && last.publishedAt > afterMs && last.production?.verdict === verdict;
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: POLL_MS, detail: () => `last record: ${JSON.stringify(last)}` },
  );
}

/** How long a production move's record may take to end once the pool is healthy again. */
const SETTLE_TIMEOUT_MS = 15_000;

/**
 * A move trial's end: a production move (requested by a standby's production check) written after
 * `beforeId`, from `leader` to one of `healthy`, done, and that node validating now.
 */
export async function productionMoveSettled(world: ChaosWorld, beforeId: string | undefined, leader: ChaosNode, healthy: readonly ChaosNode[], validator: ChaosNode): Promise<HandoverOutcome> {
  let seen: HandoverRecord | undefined;
  try {
    seen = await untilValue(
      'the production move to end',
      async () => {
        const record = await currentHandover(world);
        return record !== undefined && record.id !== beforeId && ['done', 'failed', 'cancelled'].includes(record.phase) ? record : undefined;
      },
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: POLL_MS },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const now = await currentHandover(world);
    return { outcome: `no production move ended (record ${now?.id === beforeId ? 'unchanged' : `${now?.id} at ${now?.phase}`})`, problem: 'no production move ended' };
  }
  const outcome = `record ${seen.phase} ${seen.from} -> ${seen.to}, ${seen.requestedBy}; ${validator.name} validates`;
  const problems = [
    !isProductionMove(seen) && `the record was not a production move (${seen.requestedBy})`,
    seen.from !== leader.name && `the move was not from the faulty leader ${leader.name}`,
    seen.phase !== 'done' && `the move ended ${seen.phase}: ${seen.message}`,
    !healthy.includes(validator) && `${validator.name} validates, not a healthy standby (${healthy.map((n) => n.name).join(', ')})`,
    seen.to !== validator.name && `the record names ${seen.to}, ${validator.name} validates`,
  ].filter((p): p is string => typeof p === 'string');
  return { outcome, problem: problems.length === 0 ? null : problems.join('; ') };
}

/** A no-move trial's end: no handover record was written since `beforeId`, and `leader` still validates. */
export async function noMoveSettled(world: ChaosWorld, beforeId: string | undefined, leader: ChaosNode, validator: ChaosNode): Promise<HandoverOutcome> {
  const record = await currentHandover(world);
  const written = record !== undefined && record.id !== beforeId;
  const problems = [
    written && `a handover record was written: ${record.from} -> ${record.to} (${record.requestedBy}), ${record.phase}`,
    validator !== leader && `${validator.name} validates, not ${leader.name}`,
  ].filter((p): p is string => typeof p === 'string');
  const outcome = `${written ? 'handover record written' : 'no handover record'}; ${validator.name} validates`;
  return { outcome, problem: problems.length === 0 ? null : problems.join('; ') };
}
