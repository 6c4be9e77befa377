/**
 * Gray failures (issue 17) against a real Consul, real daemons and the neard stand-in's run-time faults
 * (localnet/neard/README.md, Faults): a leader that runs and looks healthy but produces nothing is moved by a
 * healthy standby's claim; a halted chain and a flaky leader are not. Who validated when is read from the
 * stand-in's shared validator log, and no two validating periods may overlap, whatever happens.
 *
 * The pool's account is the genesis's only validator (test/support/neard-homes.ts): it is due at every
 * height, 200 ms apart, so five missed in a row take a second.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { setChainFault, setFault } from '../../localnet/neard/harness.js';
import { createConsulClient, type ConsulClient } from '../../services/consul/client.js';
import { readHandover, type HandoverRecord } from '../../services/pool/handover-record.js';
import { readMembers, type MemberRecord } from '../../services/pool/member-record.js';
import { PRODUCTION_REQUESTER } from '../../machines/production-moves.js';
import { waitForRecord as waitForHandover } from '../support/handover-wait.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { ACCOUNT_ID, type Kuutamod } from '../support/kuutamod.js';
import { waitForMembers as waitForPoolMembers } from '../support/pool-members.js';
import { parseMetricsText, sampleValue, scrape } from '../support/metrics-text.js';
import { untilValue } from '../support/until.js';
import { checkNoOverlap } from '../support/validator-periods.js';

/** Fast judging: records twice a second, counts five times a second, a short grace and stall. */
const POOL_ARGS = [
  '--member-publish-interval', '500ms',
  '--handover-deadline', '15s',
  '--production-check-interval', '200ms',
  '--production-grace', '3s',
  '--production-stall', '3s',
];

let cluster: DaemonCluster;
let consul: ConsulClient;
let validatorLog: string;

afterEach(async () => {
  consul?.destroy();
  await cluster?.stop();
});

async function startPool(prefix: string): Promise<void> {
  cluster = await startDaemonCluster(prefix);
  consul = createConsulClient({ url: cluster.consul.url, requestTimeoutMs: 5_000 });
  validatorLog = join(cluster.dir, 'validators.jsonl');
}

const startNode = (nodeId: string, env: Record<string, string> = {}): Promise<Kuutamod> =>
  cluster.startNode(nodeId, { extraArgs: POOL_ARGS, env: { NEARD_STANDIN_VALIDATOR_LOG: validatorLog, ...env } });

const homeOf = (node: Kuutamod): string => join(cluster.dir, node.nodeId);
const waitForMembers = (predicate: (members: MemberRecord[]) => boolean, what: string, timeoutMs?: number) => waitForPoolMembers(consul, predicate, what, timeoutMs);
const member = (members: MemberRecord[], node: Kuutamod): MemberRecord | undefined => members.find((m) => m.nodeId === node.nodeId);

/** A leader and standbys, every standby past the grace and judging the leader healthy. */
async function healthyPool(prefix: string, ids: string[], env: Record<string, string> = {}): Promise<Kuutamod[]> {
  await startPool(prefix);
  const [first, ...rest] = ids;
  const leader = await startNode(first!, env);
  await leader.waitForState('Validating');
  const standbys = await Promise.all(rest.map((id) => startNode(id, env)));
  await Promise.all(standbys.map((s) => s.waitForState('Voting')));
  await waitForMembers(
    (members) => members.length === ids.length && standbys.every((s) => member(members, s)?.production?.verdict === 'healthy'),
    'every standby judges the leader healthy',
    60_000,
  );
  return [leader, ...standbys];
}

const waitForRecord = (predicate: (record: HandoverRecord | undefined) => boolean, what: string, timeoutMs?: number) => waitForHandover(consul, predicate, what, timeoutMs);

/** The validator log's last start is `node`'s home, and no periods overlapped. */
async function waitForValidatorHome(node: Kuutamod): Promise<void> {
  let last: string | undefined;
  await untilValue(
    `${node.nodeId} validates (validator log)`,
    () => {
      last = checkNoOverlap(validatorLog).filter((e) => e.event === 'validator_start').at(-1)?.home;
      return last === homeOf(node) ? true : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 50, detail: () => `last validator: ${last}` },
  );
}

/** A production move from `from` to `to` completed; the old leader is benched, the new one checked producing. */
async function expectProductionMove(from: Kuutamod, to: Kuutamod): Promise<HandoverRecord> {
  const record = await waitForRecord((r) => r?.phase === 'done' && r.to === to.nodeId, `a production move to ${to.nodeId} done`, 40_000);
  assert.ok(record !== undefined);
  assert.equal(record.from, from.nodeId);
  assert.equal(record.requestedBy, `${PRODUCTION_REQUESTER}${to.nodeId}`);
  await waitForValidatorHome(to);
  const members = await waitForMembers(
    (ms) => member(ms, from)?.eligible === false && member(ms, to)?.production?.takeover !== null && member(ms, to)?.production?.takeover !== undefined,
    'the old leader benched, the new leader checked',
  );
  assert.match(member(members, from)!.ineligibleReason ?? '', /lost the role for not producing .*eligible again in \d+ min/);
  return record;
}

describe('gray failures: the chain is the judge', () => {
  test('a mute leader (its blocks reach nobody) is moved: the standby claims, the leader hands over, and is benched', async () => {
    const [leader, standby] = await healthyPool('kuutamod-gray-mute-', ['node0', 'node1']);
    setFault(homeOf(leader!), 'mute', validatorLog);
    await expectProductionMove(leader!, standby!);
    const members = await waitForMembers((ms) => member(ms, standby!)?.production?.takeover?.result === 'producing', 'the new leader produces');
    assert.match(member(members, standby!)!.production!.takeover!.detail, /validating and producing: block #\d+/);
    assert.match(standby!.log(), /Voting -> Validating/);
  });

  test('no ping-pong: when the new leader does not produce either, the move is held and said, not repeated', async () => {
    const [leader, first, second] = await healthyPool('kuutamod-gray-hold-', ['node0', 'node1', 'node2']);
    setFault(homeOf(leader!), 'mute', validatorLog);
    const moved = await waitForRecord((r) => r?.phase === 'done', 'the first production move done', 40_000);
    const next = moved!.to === first!.nodeId ? first! : second!;
    const bystander = next === first ? second! : first!;
    await waitForValidatorHome(next);
    // The new leader is mute too, past its grace: the bystander judges it failing and holds the move.
    setFault(homeOf(next), 'mute', validatorLog);
    await untilValue(
      'the bystander reports the move held',
      async () => (sampleValue(parseMetricsText(await scrape(bystander.url)), 'kuutamod_production_move_held') === 1 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const members = await waitForMembers((ms) => member(ms, bystander)?.production?.verdict === 'failing', 'the bystander publishes the leader failing');
    assert.equal(member(members, next)?.holdsLock, true, 'the role stays with the second leader');
    const record = (await readHandover(consul, ACCOUNT_ID))?.record;
    assert.equal(record?.id, moved!.id, 'no second production move was asked for');
    assert.ok(!bystander.log().includes('production move requested'), 'the bystander asked for nothing');
  });

  test('an isolated leader (head frozen, no peers, says synced) is moved', async () => {
    const [leader, standby] = await healthyPool('kuutamod-gray-isolated-', ['node0', 'node1']);
    setFault(homeOf(leader!), 'isolated', validatorLog);
    await expectProductionMove(leader!, standby!);
  });

  test('an older neard without the validators RPC: one warning, counts unreadable in the metrics, and the head alone still moves an isolated leader', async () => {
    const [leader, standby] = await healthyPool('kuutamod-gray-no-rpc-', ['node0', 'node1'], { NEARD_STANDIN_VALIDATORS_RPC: 'absent' });
    const samples = parseMetricsText(await scrape(standby!.url));
    assert.equal(sampleValue(samples, 'kuutamod_production_counts_readable'), 0);
    const warnings = standby!.log().split('\n').filter((line) => line.includes("cannot read the chain's production counts"));
    assert.equal(warnings.length, 1, `one warning, not one per poll:\n${warnings.join('\n')}`);
    assert.match(warnings[0]!, /METHOD_NOT_FOUND.*the missed-blocks signal is off, the head signal still works/);
    setFault(homeOf(leader!), 'isolated', validatorLog);
    await expectProductionMove(leader!, standby!);
    // The claim's reason lives on in the old leader's bench (the record's message is the last phase's).
    const members = await waitForMembers((ms) => member(ms, leader!)?.eligible === false, 'the old leader benched');
    assert.match(member(members, leader!)!.ineligibleReason ?? '', /head stalled/);
  });

  test('an isolated standby, then an isolated leader: the healthy standby takes the role, not the cut-off one', async () => {
    const [leader, cutOff, healthy] = await healthyPool('kuutamod-gray-two-', ['node0', 'node1', 'node2']);
    setFault(homeOf(cutOff!), 'isolated', validatorLog);
    await waitForMembers((ms) => member(ms, cutOff!)?.production?.verdict === 'cannot-judge', 'the cut-off standby cannot judge (its own head stopped)');
    setFault(homeOf(leader!), 'isolated', validatorLog);
    await expectProductionMove(leader!, healthy!);
    assert.ok(!cutOff!.log().includes('Voting -> Validating'), 'the cut-off standby never took the role');
  });

  test('a halted chain (every head stops) moves nothing', async () => {
    const [leader, standby] = await healthyPool('kuutamod-gray-stall-', ['node0', 'node1']);
    setChainFault('stall', validatorLog);
    // The standby judges through the stall: it reports that it cannot judge, record after record, for well
    // over the stall threshold (3 s) and the miss rule (1 s of duties).
    const seen: number[] = [];
    await waitForMembers((ms) => {
      const m = member(ms, standby!);
      if (m?.production?.verdict === 'failing') throw new Error(`the standby judged a halted chain failing: ${JSON.stringify(m.production)}`);
      if (m?.production?.verdict === 'cannot-judge' && !seen.includes(m.publishedAt)) seen.push(m.publishedAt);
      return seen.length >= 2 && seen.at(-1)! - seen[0]! >= 8_000;
    }, 'the standby cannot judge for 8 s of the stall', 40_000);
    setChainFault('run', validatorLog);
    // Its own head must move for a whole rate window (20 s) before it judges again (chaos finding 6).
    await waitForMembers((ms) => member(ms, standby!)?.production?.verdict === 'healthy', 'the standby judges the leader healthy again', 60_000);
    assert.equal(await readHandover(consul, ACCOUNT_ID), undefined, 'no handover was asked for');
    assert.equal((await leader!.state()).state, 'Validating');
  });

  test('a flaky leader (one duty in ten lost) moves nothing', async () => {
    const [leader, standby] = await healthyPool('kuutamod-gray-flaky-', ['node0', 'node1']);
    setFault(homeOf(leader!), 'flaky', validatorLog);
    // 150 duties at one a height: 15 lost, none two in a row; the standby's verdict must never fail.
    const heightAt = (await standby!.state()).blockHeight ?? 0;
    let verdicts = new Set<string>();
    await untilValue(
      'the leader was flaky for 150 heights',
      async () => {
        const record = member((await readMembers(consul, ACCOUNT_ID)).members, standby!);
        verdicts = new Set([...verdicts, record?.production?.verdict ?? 'none']);
        assert.ok(!verdicts.has('failing'), `the standby judged a flaky leader failing: ${JSON.stringify(record?.production)}`);
        return ((await standby!.state()).blockHeight ?? 0) >= heightAt + 150 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    assert.equal(await readHandover(consul, ACCOUNT_ID), undefined, 'no handover was asked for');
    assert.equal((await leader!.state()).state, 'Validating');
  });

  test('the check after a failover takeover: a producing standby says so, a mute one says it does not produce', async () => {
    const [leader, standby, mute] = await healthyPool('kuutamod-gray-check-', ['node0', 'node1', 'node2']);
    // The third node is mute before it ever leads; stop the others so it takes over by failover.
    setFault(homeOf(mute!), 'mute', validatorLog);
    await standby!.stop();
    await leader!.stop();
    await mute!.waitForState('Validating');
    const members = await waitForMembers((ms) => member(ms, mute!)?.production?.takeover !== null && member(ms, mute!)?.production?.takeover !== undefined, 'the takeover checked');
    assert.equal(member(members, mute!)!.production!.takeover!.result, 'not-producing');
    assert.equal(member(members, mute!)!.production!.health, 'degraded');
  });
});
