// The neard stand-in's gray failures (issue 17), switched at run time with `neard standin-fault` on
// stand-ins running as real child processes that share one validator log: per fault, what the faulty
// node says about itself (head, syncing, peers) and what both stand-ins count for its account.
//   isolated  head frozen at the cut, syncing false, 0 peers; its duties missed on both; its own counts
//             stand still; lifted, it catches up; a restart while cut off waits for peers
//   mute      head and peers fine; its duties missed on both
//   flaky     exactly the 10th, 20th, ... duty height of the epoch missed (an independent oracle)
//   stall     every head stops, no misses counted, heads resume from the stall head
// Counts never go backwards on either stand-in through any of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanupStandins, faultRecords, getMetrics, getStatus, localnet, neardSync, readJson, setChainFault, setFault, startNeard, useFreePorts,
  vlogRecords, type Env, type GenesisFile, type Neard, type StatusResponse,
} from '../../localnet/neard/harness.js';
import { untilAnswer, untilValue } from '../support/until.js';

test.after(cleanupStandins);

const EPOCH_LENGTH = 1000; // no epoch boundary within a test
const ACCOUNTS = ['node0', 'node1'] as const;
type Account = (typeof ACCOUNTS)[number];

interface Counts { blocksExpected: number; blocksProduced: number; chunksExpected: number; chunksProduced: number }
/** One /metrics answer: head, peers and every account's counts, all from the same moment. */
interface Snapshot { head: number; epoch: number; peers: number; counts: Record<Account, Counts> }

interface Node { name: Account; home: string; rpc: string; neard: Neard }
interface Pool { dir: string; vlog: string; env: Env; blockMs: number; genesisMs: number; nodes: [Node, Node] }

async function snapshot(rpc: string): Promise<Snapshot> {
  const m = await getMetrics(rpc);
  const get = (key: string): number => {
    const v = m.get(key);
    if (v === undefined) throw new Error(`no ${key} on ${rpc}/metrics`);
    return v;
  };
  const of = (a: Account): Counts => ({
    blocksExpected: get(`near_validators_blocks_expected{account_id="${a}"}`),
    blocksProduced: get(`near_validators_blocks_produced{account_id="${a}"}`),
    chunksExpected: get(`near_validators_chunks_expected{account_id="${a}"}`),
    chunksProduced: get(`near_validators_chunks_produced{account_id="${a}"}`),
  });
  return { head: get('near_block_height_head'), epoch: get('near_epoch_height'), peers: get('near_peer_connections_total'), counts: { node0: of('node0'), node1: of('node1') } };
}

const missed = (c: Counts): number => c.blocksExpected - c.blocksProduced;

async function syncedStatus(rpc: string): Promise<StatusResponse> {
  return untilAnswer(`${rpc} synced`, async () => {
    const s = await getStatus(rpc);
    return s.sync_info.syncing ? undefined : s;
  });
}

/** node0 and node1 of a fresh localnet (both validators, taking turns), sharing one validator log. */
async function startPool(opts: { blockMs?: number; syncMs?: number; env?: Env; before?: (dir: string, vlog: string) => void } = {}): Promise<Pool> {
  const blockMs = opts.blockMs ?? 200;
  const dir = localnet(2, 0, { NEARD_STANDIN_EPOCH_LENGTH: String(EPOCH_LENGTH) });
  const vlog = join(dir, 'validators.jsonl');
  const env: Env = {
    NEARD_STANDIN_BLOCK_MS: String(blockMs),
    NEARD_STANDIN_SYNC_MS: String(opts.syncMs ?? 300),
    NEARD_STANDIN_STOP_DELAY_MS: '100',
    NEARD_STANDIN_VALIDATOR_LOG: vlog,
    ...opts.env,
  };
  opts.before?.(dir, vlog);
  const nodes: Node[] = [];
  for (const name of ACCOUNTS) {
    const home = join(dir, name);
    const { rpc } = await useFreePorts(home);
    nodes.push({ name, home, rpc, neard: startNeard(['--home', home, 'run'], env) });
  }
  for (const n of nodes) await syncedStatus(n.rpc);
  const genesisMs = Date.parse(readJson<GenesisFile>(join(dir, 'node0', 'genesis.json')).genesis_time);
  return { dir, vlog, env, blockMs, genesisMs, nodes: nodes as [Node, Node] };
}

/** The chain's head at wall time t (no stall before it): genesis height 0, one block per blockMs. */
const headAt = (pool: Pool, tMs: number): number => Math.floor((tMs - pool.genesisMs) / pool.blockMs);

const untilHead = (rpc: string, height: number): Promise<Snapshot> =>
  untilAnswer(`head ${height} on ${rpc}`, async () => {
    const s = await snapshot(rpc);
    return s.head >= height ? s : undefined;
  }, 20_000);

/** Snapshots of both nodes at the same head (retried until two reads land on one height). */
const atSameHead = (a: string, b: string): Promise<[Snapshot, Snapshot]> =>
  untilAnswer('both nodes at the same head', async () => {
    const [x, y] = [await snapshot(a), await snapshot(b)];
    return x.head === y.head ? ([x, y] as [Snapshot, Snapshot]) : undefined;
  });

/**
 * Watches /metrics of the given nodes every 50 ms until stopped and fails the test if a head or any count
 * goes backwards within an epoch. stop() rethrows what it saw.
 */
function watchMonotonic(rpcs: string[]): { stop: () => Promise<number> } {
  const last = new Map<string, Snapshot>();
  let stopped = false;
  let samples = 0;
  const watching = untilValue('the end of the watch', async () => {
    for (const rpc of rpcs) {
      const s = await snapshot(rpc);
      samples++;
      const prev = last.get(rpc);
      if (prev !== undefined && prev.epoch === s.epoch) {
        assert.ok(s.head >= prev.head, `${rpc}: head back from ${prev.head} to ${s.head}`);
        for (const a of ACCOUNTS) {
          for (const k of Object.keys(s.counts[a]) as (keyof Counts)[]) {
            assert.ok(s.counts[a][k] >= prev.counts[a][k], `${rpc}: ${a} ${k} back from ${prev.counts[a][k]} to ${s.counts[a][k]} (head ${prev.head} -> ${s.head})`);
          }
        }
      }
      last.set(rpc, s);
    }
    return stopped;
  }, { timeoutMs: 120_000, intervalMs: 50 });
  let failure: Error | null = null;
  const settled = watching.catch((err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))));
  return {
    stop: async () => {
      stopped = true;
      await settled;
      if (failure !== null) throw failure;
      return samples;
    },
  };
}

/**
 * `INFO stats:` lines a node printed after wall time `fromMs` (by their timestamps: the test's own event loop
 * may read a line late, e.g. after a spawnSync), with their heights.
 */
const statsLinesAfter = (neard: Neard, fromMs: number): Array<{ height: number; line: string }> =>
  [...neard.stderr().matchAll(/^(\S+)\s+INFO stats: #\s*(\d+) .*$/gm)]
    .filter((m) => Date.parse(m[1] ?? '') > fromMs)
    .map((m) => ({ height: Number(m[2]), line: m[0] }));

test('isolated: head frozen at the cut, syncing false, no peers; its duties missed on both stand-ins, its own view frozen; lifted, it catches up', async () => {
  const pool = await startPool({ syncMs: 1000 });
  const [n0, n1] = pool.nodes;
  const watch = watchMonotonic([n0.rpc, n1.rpc]);
  await untilAnswer('node0 produced blocks', async () => (await snapshot(n1.rpc)).counts.node0.blocksProduced >= 2);

  const cut = setFault(n0.home, 'isolated', pool.vlog);
  const frozen = headAt(pool, cut.t_ms);
  const far = await untilHead(n1.rpc, frozen + 12);
  const own = await snapshot(n0.rpc);
  const status = await getStatus(n0.rpc);
  assert.equal(own.head, frozen, 'the head stays where it was at the cut');
  assert.equal(status.sync_info.latest_block_height, frozen);
  assert.equal(status.sync_info.syncing, false, 'no higher peer to sync from: NoSync, as nearcore');
  assert.equal(own.peers, 0);
  assert.ok(far.peers >= 1, 'the other node keeps its peers');
  // Both count node0's production up to the cut alike; past it node1 counts node0's duties as missed.
  assert.deepEqual(far.counts.node0.blocksProduced, own.counts.node0.blocksProduced);
  assert.deepEqual(far.counts.node0.chunksProduced, own.counts.node0.chunksProduced);
  assert.ok(far.counts.node0.blocksExpected >= own.counts.node0.blocksExpected + 5, JSON.stringify({ far, own }));
  assert.ok(missed(far.counts.node0) >= 5);
  // node0's own view stands still while the chain moves on.
  await untilHead(n1.rpc, far.head + 4);
  assert.deepEqual(await snapshot(n0.rpc), own);
  await untilAnswer('a stats line with 0 peers at the frozen head', () =>
    statsLinesAfter(n0.neard, cut.t_ms).some((s) => s.height === frozen && / 0 peers /.test(s.line)));
  assert.match(n0.neard.stderr(), /WARN standin: fault of this home: none -> isolated/);

  const lift = setFault(n0.home, 'none', pool.vlog);
  const catching = await untilAnswer('node0 catching up', async () => {
    const s = await getStatus(n0.rpc);
    return s.sync_info.syncing ? s : undefined;
  });
  assert.ok(catching.sync_info.latest_block_height >= frozen);
  const back = await syncedStatus(n0.rpc);
  assert.ok(back.sync_info.latest_block_height >= headAt(pool, lift.t_ms), 'following the chain head again');
  assert.ok((await snapshot(n0.rpc)).peers >= 1);
  // Counts up to the head again, the same on both: the isolated stretch missed, production since counted.
  const [a, b] = await atSameHead(n0.rpc, n1.rpc);
  assert.deepEqual(a.counts, b.counts);
  assert.ok(missed(a.counts.node0) >= 5);
  await untilAnswer('node0 produces again', async () => (await snapshot(n1.rpc)).counts.node0.blocksProduced > far.counts.node0.blocksProduced);
  assert.ok((await watch.stop()) > 10, 'the watch saw the counts');
});

test('isolated survives a restart: a stand-in started on a cut-off home waits for peers (syncing) at the head of the cut', async () => {
  const pool = await startPool({ syncMs: 300 });
  const [n0, n1] = pool.nodes;
  const cut = setFault(n1.home, 'isolated', pool.vlog);
  const frozen = headAt(pool, cut.t_ms);
  n1.neard.child.kill('SIGTERM');
  assert.equal((await n1.neard.exited).code, 0);
  const again = startNeard(['--home', n1.home, 'run'], pool.env);
  const restartedAt = (await snapshot(n0.rpc)).head;
  // Well past its sync time (300 ms = 1.5 blocks) it still waits for peers.
  await untilHead(n0.rpc, restartedAt + 5);
  const status = await untilAnswer('the restarted node answers', () => getStatus(n1.rpc));
  assert.equal(status.sync_info.syncing, true, 'AwaitingPeers counts as syncing in nearcore');
  assert.equal(status.sync_info.latest_block_height, frozen);
  assert.equal((await snapshot(n1.rpc)).peers, 0);
  assert.equal((await fetch(`http://${n1.rpc}/health`)).status, 503);
  await untilAnswer('a "Waiting for peers" stats line', () => new RegExp(`INFO stats: #\\s*${frozen} Waiting for peers`).test(again.stderr()));

  setFault(n1.home, 'none', pool.vlog);
  const back = await syncedStatus(n1.rpc);
  assert.ok(back.sync_info.latest_block_height > frozen);
  assert.ok((await snapshot(n1.rpc)).peers >= 1);
});

test("mute: head, sync and peers fine, but nothing it makes counts: its duties missed on both stand-ins until lifted", async () => {
  const pool = await startPool();
  const [n0, n1] = pool.nodes;
  const watch = watchMonotonic([n0.rpc, n1.rpc]);
  await untilAnswer('node0 produced blocks', async () => (await snapshot(n1.rpc)).counts.node0.blocksProduced >= 2);

  const mute = setFault(n0.home, 'mute', pool.vlog);
  const muteHead = headAt(pool, mute.t_ms);
  // Both read past the mute's head: everything node0 made before it is in their counts.
  const a1 = await untilHead(n1.rpc, muteHead + 1);
  const a0 = await untilHead(n0.rpc, muteHead + 1);
  const b1 = await untilHead(n1.rpc, Math.max(a0.head, a1.head) + 12);
  const b0 = await untilHead(n0.rpc, b1.head);
  for (const [a, b, who] of [[a0, b0, 'node0'], [a1, b1, 'node1']] as const) {
    assert.equal(b.counts.node0.blocksProduced, a.counts.node0.blocksProduced, `${who}'s count of node0's blocks stands still`);
    assert.equal(b.counts.node0.chunksProduced, a.counts.node0.chunksProduced);
    assert.ok(b.counts.node0.blocksExpected >= a.counts.node0.blocksExpected + 5, `${who}: node0 still expected to produce`);
    assert.ok(b.counts.node1.blocksProduced >= a.counts.node1.blocksProduced + 5, `${who}: node1 unaffected`);
  }
  const status = await getStatus(n0.rpc);
  assert.equal(status.sync_info.syncing, false);
  assert.ok(status.sync_info.latest_block_height >= muteHead + 12, 'the head follows the chain');
  assert.ok(b0.peers >= 1);
  const [x, y] = await atSameHead(n0.rpc, n1.rpc);
  assert.deepEqual(x.counts, y.counts, 'both stand-ins count the same');

  setFault(n0.home, 'none', pool.vlog);
  await untilAnswer('node0 produces again', async () => (await snapshot(n1.rpc)).counts.node0.blocksProduced > b1.counts.node0.blocksProduced);
  await watch.stop();
});

test('flaky: exactly the duty heights numbered 9, 19, 29, ... of the epoch are missed, never two in a row, on both stand-ins', async () => {
  // node0 has the block and the chunk of every height: its duty k of the epoch is height k + 1.
  const blockMs = 100;
  const pool = await startPool({
    blockMs,
    env: { NEARD_STANDIN_SCHEDULE: 'node0:X' },
    before: (dir, vlog) => void setFault(join(dir, 'node0'), 'flaky', vlog), // flaky from before it starts
  });
  const [n0, n1] = pool.nodes;
  const start = vlogRecords(pool.vlog).find((r) => r.event === 'validator_start' && r.account_id === 'node0');
  assert.ok(start, 'node0 wrote its validator_start');
  // The oracle: height h (time genesis + h * blockMs) is produced iff node0 validated then and h - 1 is not 9 mod 10.
  const expectedMissed = (head: number): number => {
    let n = 0;
    for (let h = 1; h <= head; h++) if (pool.genesisMs + h * blockMs < start.t_ms || (h - 1) % 10 === 9) n++;
    return n;
  };
  const seen = new Set<number>();
  await untilValue('40 heights of flaky production', async () => {
    for (const rpc of [n0.rpc, n1.rpc]) {
      const s = await snapshot(rpc);
      assert.equal(s.counts.node0.blocksExpected, s.head, 'node0 has every height');
      assert.equal(missed(s.counts.node0), expectedMissed(s.head), `${rpc} at head ${s.head}: ${JSON.stringify(s.counts.node0)}`);
      assert.equal(s.counts.node0.chunksExpected - s.counts.node0.chunksProduced, missed(s.counts.node0), 'chunks lost with their blocks');
      seen.add(s.head);
    }
    return seen.size >= 10 && Math.max(...seen) >= 45;
  }, { timeoutMs: 30_000, intervalMs: 30 });
});

test('stall: every head stops, no misses are counted, and the chain resumes from the stall head', async () => {
  const pool = await startPool();
  const [n0, n1] = pool.nodes;
  const watch = watchMonotonic([n0.rpc, n1.rpc]);
  await untilAnswer('both produced blocks', async () => {
    const s = await snapshot(n1.rpc);
    return s.counts.node0.blocksProduced >= 2 && s.counts.node1.blocksProduced >= 2;
  });
  const stall = setChainFault('stall', pool.vlog);
  const stallHead = headAt(pool, stall.t_ms);
  // Three stats lines (300 ms apart, 1.5 blocks each) on each node printed after the stall, all at the stall head.
  await untilAnswer('3 stats lines on each node after the stall', () => pool.nodes.every((n) => statsLinesAfter(n.neard, stall.t_ms).length >= 3));
  for (const n of pool.nodes) {
    const lines = statsLinesAfter(n.neard, stall.t_ms);
    assert.ok(lines.every((l) => l.height === stallHead), `${n.name} (stall head ${stallHead}): ${lines.map((l) => l.line).join('\n')}`);
    assert.match(n.neard.stderr(), /WARN standin: chain stalled/);
  }
  const [s0, s1] = [await snapshot(n0.rpc), await snapshot(n1.rpc)];
  assert.equal(s0.head, stallHead);
  assert.equal(s1.head, stallHead);
  assert.deepEqual(s0.counts, s1.counts);
  assert.ok(s0.peers >= 1 && s1.peers >= 1, 'a stall is no network fault');
  assert.equal((await getStatus(n0.rpc)).sync_info.syncing, false);

  const run = setChainFault('run', pool.vlog);
  const resumed = await untilHead(n0.rpc, stallHead + 1);
  // No jump: the head is as far past the stall head as blocks had time since the chain ran again.
  assert.ok(resumed.head - stallHead <= (Date.now() - run.t_ms) / pool.blockMs + 1, `resumed at ${resumed.head} from ${stallHead}`);
  await untilHead(n1.rpc, stallHead + 10);
  const [x, y] = await atSameHead(n0.rpc, n1.rpc);
  assert.deepEqual(x.counts, y.counts);
  for (const a of ACCOUNTS) assert.equal(missed(x.counts[a]), missed(s0.counts[a]), `no ${a} duty missed for the stall`);
  assert.ok(x.counts.node0.blocksExpected > s0.counts.node0.blocksExpected);
  await watch.stop();
});

test('without a validator log the fault is in the home (standin-faults.jsonl) and shows in that node\'s own view only', async () => {
  const dir = localnet(1, 0);
  const home = join(dir, 'node0');
  const { rpc } = await useFreePorts(home);
  startNeard(['--home', home, 'run'], { NEARD_STANDIN_BLOCK_MS: '200', NEARD_STANDIN_SYNC_MS: '300', NEARD_STANDIN_STOP_DELAY_MS: '100', NEARD_STANDIN_VALIDATOR_LOG: '' });
  await syncedStatus(rpc);
  setFault(home, 'isolated', null);
  assert.ok(existsSync(join(home, 'standin-faults.jsonl')));
  const frozen = await untilAnswer('no peers', async () => {
    const m = await getMetrics(rpc);
    return m.get('near_peer_connections_total') === 0 ? m.get('near_block_height_head') : undefined;
  });
  const status = await untilAnswer('two blocks later', async () => {
    const s = await getStatus(rpc);
    return s.sync_info.latest_block_time && Date.now() - Date.parse(s.sync_info.latest_block_time) > 2 * 200 ? s : undefined;
  });
  assert.equal(status.sync_info.latest_block_height, frozen);
});

test('standin-fault: bad input names the argument and the accepted values, exit code 2', () => {
  const dir = localnet(1, 0);
  const home = join(dir, 'node0');
  const env = { NEARD_STANDIN_VALIDATOR_LOG: join(dir, 'v.jsonl') };
  const bad = neardSync(['--home', home, 'standin-fault', 'sleepy'], env);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /argument 'fault'.*Allowed choices are isolated, mute, flaky, none/);
  const chain = neardSync(['standin-fault', '--chain', 'pause'], env);
  assert.equal(chain.status, 2);
  assert.match(chain.stderr, /--chain <state>.*'pause' is invalid. Allowed choices are stall, run/);
  const neither = neardSync(['--home', home, 'standin-fault'], env);
  assert.equal(neither.status, 2);
  assert.match(neither.stderr, /give either a fault \(isolated, mute, flaky, none\) or --chain <stall\|run>, not neither/);
  const both = neardSync(['--home', home, 'standin-fault', 'mute', '--chain', 'stall'], env);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /not both/);
  const noHome = neardSync(['--home', join(dir, 'nope'), 'standin-fault', 'mute'], env);
  assert.equal(noHome.status, 2);
  assert.match(noHome.stderr, /--home '.*nope' is no directory/);
  assert.equal(existsSync(`${env.NEARD_STANDIN_VALIDATOR_LOG}.faults`), false, 'nothing written on bad input');
  const ok = neardSync(['--home', home, 'standin-fault', 'flaky'], env);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^standin-fault: .*node0 flaky \(.*v\.jsonl\.faults\)\n$/);
  // --validator-log names the log when the environment does not.
  const flag = neardSync(['--home', home, 'standin-fault', '--validator-log', join(dir, 'w.jsonl'), 'mute'], { NEARD_STANDIN_VALIDATOR_LOG: '' });
  assert.equal(flag.status, 0, flag.stderr);
  assert.deepEqual(faultRecords(join(dir, 'w.jsonl.faults')).map((r) => 'fault' in r && r.fault), ['mute']);
});
