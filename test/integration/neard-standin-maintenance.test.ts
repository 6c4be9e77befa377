// The neard stand-in's parts for planned operations (issue 8), run as real child processes:
// the block schedule and nearcore's maintenance-windows RPCs (both result shapes, the method
// missing as in older neard, erroring, garbage), /metrics with nearcore's names, the config
// reload counter and expected_shutdown, and produced/missed counting from the shared ledger,
// also as JSON-RPC `validators` (issue 17).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanupStandins, FAST, getMetrics, getStatus, localnet, neardSync, readJson, rpcRequest, startNeard, tempDir,
  useFreePorts, vlogRecords, writeJson, type Env, type GenesisFile, type Json, type RpcErrorBody, type StatusResponse,
} from '../../localnet/neard/harness.js';
import { fetchAccountProduction, ValidatorsRpcError } from '../../services/neard/validators-rpc.js';
import { untilAnswer } from '../support/until.js';

test.after(cleanupStandins);


const BLOCK_MS = Number(FAST['NEARD_STANDIN_BLOCK_MS']);
// node0 busy at epoch offsets 0, 4, 10 of every 21: windows of 3, 5 and 10 blocks.
const PATTERN = 'X3X5X10';
const CYCLE = 21;
const BUSY_OFFSETS = new Set([0, 4, 10]);

/** Independent of the stand-in's code: the windows nearcore would report from `head` (runs of free heights). */
function expectedWindows(head: number, epochStart: number, epochLength: number, busy: (offset: number) => boolean): number[][] {
  const windows: number[][] = [];
  for (let h = head; h < epochStart + epochLength; h++) {
    if (busy(h - epochStart)) continue;
    const last = windows[windows.length - 1];
    if (last && last[1] === h) last[1] = h + 1;
    else windows.push([h, h + 1]);
  }
  return windows;
}

const node0Busy = (offset: number): boolean => BUSY_OFFSETS.has(offset % CYCLE);

async function syncedHead(rpc: string): Promise<StatusResponse> {
  return untilAnswer('synced status', async () => {
    const s = await getStatus(rpc);
    return s['sync_info']['syncing'] === false ? s : undefined;
  });
}

/** Calls a windows method and checks the result against the windows of some head seen around the call. */
async function assertWindows(rpc: string, method: string, accountId: string, epochLength: number,
  busy: (offset: number) => boolean, toPairs: (result: unknown) => number[][]): Promise<number[][]> {
  const before = (await getStatus(rpc))['sync_info'];
  const { http, body } = await rpcRequest(rpc, method, { account_id: accountId });
  const after = (await getStatus(rpc))['sync_info'];
  assert.equal(http, 200);
  assert.equal(body['error'], undefined, JSON.stringify(body['error']));
  const windows = toPairs(body['result']);
  const epochStart = after['epoch_start_height'];
  assert.ok(epochStart !== null, 'a synced node reports its epoch start');
  const candidates: number[][][] = [];
  for (let h = before['latest_block_height']; h <= after['latest_block_height']; h++) {
    candidates.push(expectedWindows(h, epochStart, epochLength, busy));
  }
  assert.ok(candidates.some((c) => JSON.stringify(c) === JSON.stringify(windows)),
    `${method}(${accountId}) = ${JSON.stringify(windows)} matches no head in ${before['latest_block_height']}..${after['latest_block_height']}`);
  return windows;
}

/** nearcore 2.x's window shape, `{start, end}`; the caller compares the numbers with the oracle's. */
interface WindowRange { start: number; end: number }
const fromRanges = (result: unknown): number[][] => {
  assert.ok(Array.isArray(result));
  return (result as WindowRange[]).map((r) => {
    assert.deepEqual(Object.keys(r).sort(), ['end', 'start']);
    return [r['start'], r['end']];
  });
};
const fromPairs = (result: unknown): number[][] => {
  assert.ok(Array.isArray(result));
  for (const r of result) assert.ok(Array.isArray(r) && r.length === 2, JSON.stringify(r));
  return result as number[][];
};

test('maintenance windows follow the schedule to the end of the epoch, in both shapes', async () => {
  const epochLength = 10 * CYCLE;
  const dir = localnet(2, 1, { NEARD_STANDIN_EPOCH_LENGTH: String(epochLength) });
  assert.equal(readJson<GenesisFile>(join(dir, 'node0', 'genesis.json'))['epoch_length'], epochLength);
  const env: Env = { ...FAST, NEARD_STANDIN_SCHEDULE: `node0:${PATTERN}` };
  const ranges = await useFreePorts(join(dir, 'node0'));
  const pairs = await useFreePorts(join(dir, 'node2'));
  startNeard(['--home', join(dir, 'node0'), 'run'], env);
  startNeard(['--home', join(dir, 'node2'), 'run'], { ...env, NEARD_STANDIN_WINDOWS_SHAPE: 'pairs' });
  await syncedHead(ranges.rpc);
  await syncedHead(pairs.rpc);

  const windows = await assertWindows(ranges.rpc, 'maintenance_windows', 'node0', epochLength, node0Busy, fromRanges);
  // Past the first (cut by the head), the lengths cycle through 3, 5 and 10.
  const lengths = windows.slice(1, -1).map(([s, e]) => e! - s!);
  assert.ok(lengths.includes(3) && lengths.includes(5) && lengths.includes(10), JSON.stringify(lengths));
  await assertWindows(ranges.rpc, 'EXPERIMENTAL_maintenance_windows', 'node0', epochLength, node0Busy, fromRanges);
  await assertWindows(pairs.rpc, 'maintenance_windows', 'node0', epochLength, node0Busy, fromPairs);
  await assertWindows(pairs.rpc, 'EXPERIMENTAL_maintenance_windows', 'node0', epochLength, node0Busy, fromPairs);
  // node1 (no pattern) produces every height node0 does not: its windows are node0's busy heights.
  await assertWindows(ranges.rpc, 'maintenance_windows', 'node1', epochLength, (o) => !node0Busy(o), fromRanges);
  // An account without duties: one window, the rest of the epoch (as nearcore).
  await assertWindows(ranges.rpc, 'maintenance_windows', 'nobody.near', epochLength, () => false, fromRanges);

  const bad = await rpcRequest(ranges.rpc, 'maintenance_windows', {});
  assert.equal(bad.http, 200);
  assert.deepEqual(bad.body['error'], {
    name: 'REQUEST_VALIDATION_ERROR',
    cause: { name: 'PARSE_ERROR', info: { error_message: 'Failed parsing args: missing field `account_id`' } },
    code: -32700,
    message: 'Parse error',
    data: 'Failed parsing args: missing field `account_id`',
  });
});

test('maintenance windows RPC as older neard (experimental only, absent), erroring and returning garbage', async () => {
  const dir = localnet(1, 3);
  const modes = ['experimental', 'absent', 'error', 'garbage'] as const;
  const rpcs: Record<string, string> = {};
  for (const [i, mode] of modes.entries()) {
    const home = join(dir, `node${i}`);
    rpcs[mode] = (await useFreePorts(home)).rpc;
    startNeard(['--home', home, 'run'], { ...FAST, NEARD_STANDIN_WINDOWS_RPC: mode });
  }
  for (const rpc of Object.values(rpcs)) await syncedHead(rpc);
  const params = { account_id: 'node0' };
  const notFound = (method: string): RpcErrorBody => ({
    name: 'REQUEST_VALIDATION_ERROR',
    cause: { name: 'METHOD_NOT_FOUND', info: { method_name: method } },
    code: -32601,
    message: 'Method not found',
    data: method,
  });

  const old = rpcs['experimental']!;
  assert.deepEqual((await rpcRequest(old, 'maintenance_windows', params)).body['error'], notFound('maintenance_windows'));
  assert.ok(Array.isArray((await rpcRequest(old, 'EXPERIMENTAL_maintenance_windows', params)).body['result']));

  for (const method of ['maintenance_windows', 'EXPERIMENTAL_maintenance_windows']) {
    const absent = await rpcRequest(rpcs['absent']!, method, params);
    assert.equal(absent.http, 200);
    assert.deepEqual(absent.body['error'], notFound(method));

    const failing = await rpcRequest(rpcs['error']!, method, params);
    assert.equal(failing.http, 500, 'nearcore answers INTERNAL_ERROR with HTTP 500');
    assert.equal(failing.body['error']?.['name'], 'INTERNAL_ERROR');
    assert.equal(failing.body['error']['cause']['name'], 'INTERNAL_ERROR');
    assert.equal(failing.body['error']['code'], -32000);
    assert.equal(failing.body['result'], undefined);

    const garbage = await rpcRequest(rpcs['garbage']!, method, params);
    assert.equal(garbage.http, 200);
    const result = garbage.body['result'] as unknown[];
    assert.ok(Array.isArray(result) && result.length > 0);
    const wellFormed = (r: unknown): boolean => (Array.isArray(r) && r.length === 2 && r.every(Number.isInteger)) ||
      (typeof r === 'object' && r !== null && Number.isInteger((r as Json)['start']) && Number.isInteger((r as Json)['end']));
    assert.ok(result.every((r) => !wellFormed(r)), `garbage is not a valid window list: ${JSON.stringify(result)}`);
  }
});

test('/metrics: nearcore names and types, reload counter, expected_shutdown shown, cleared and honoured', async () => {
  const dir = localnet(2, 1);
  const home = join(dir, 'node0');
  const { rpc } = await useFreePorts(home);
  const observer = await useFreePorts(join(dir, 'node2')); // node2 is not a genesis validator
  const neard = startNeard(['--home', home, 'run'], FAST);
  startNeard(['--home', join(dir, 'node2'), 'run'], FAST);
  const status = await syncedHead(rpc);

  const text = await (await fetch(`http://${rpc}/metrics`)).text();
  for (const [name, type] of [
    ['near_block_height_head', 'gauge'], ['near_epoch_height', 'gauge'], ['near_is_validator', 'gauge'],
    ['near_is_block_producer', 'gauge'], ['near_config_reloads_total', 'counter'], ['near_block_expected_shutdown', 'gauge'],
    ['near_validators_blocks_produced', 'gauge'], ['near_validators_blocks_expected', 'gauge'],
    ['near_validators_chunks_produced', 'gauge'], ['near_validators_chunks_expected', 'gauge'],
  ]) {
    assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
    assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
  }
  let m = await getMetrics(rpc);
  assert.ok(m.get('near_block_height_head')! >= status['sync_info']['latest_block_height']);
  assert.equal(m.get('near_epoch_height'), 1);
  assert.equal(m.get('near_is_validator'), 1);
  assert.equal(m.get('near_is_block_producer'), 1);
  assert.equal(m.get('near_config_reloads_total'), 1, 'nearcore counts the load at startup');
  assert.equal(m.get('near_block_expected_shutdown'), 0);
  // Without a shared validator log a node counts only its own validating: node0 produced its
  // turns (it validates since before its first block), nobody produced node1's.
  m = await untilAnswer('node0 produced blocks', async () => {
    const x = await getMetrics(rpc);
    return x.get('near_validators_blocks_produced{account_id="node0"}')! >= 3 ? x : undefined;
  });
  assert.equal(m.get('near_validators_blocks_produced{account_id="node1"}'), 0);
  assert.ok(m.get('near_validators_blocks_expected{account_id="node1"}')! > 0);
  const seen = await getMetrics(observer.rpc);
  assert.equal(seen.get('near_is_validator'), 0);
  assert.equal(seen.get('near_is_block_producer'), 0);

  const cfgPath = join(home, 'config.json');
  const far = m.get('near_block_height_head')! + 100_000;
  writeJson(cfgPath, { ...readJson<Json>(cfgPath), expected_shutdown: far });
  neard.child.kill('SIGHUP');
  m = await untilAnswer('reload 2', async () => {
    const x = await getMetrics(rpc);
    return x.get('near_config_reloads_total') === 2 ? x : undefined;
  });
  assert.equal(m.get('near_block_expected_shutdown'), far);

  const { expected_shutdown: _removed, ...withoutShutdown } = readJson(cfgPath);
  writeJson(cfgPath, withoutShutdown);
  neard.child.kill('SIGHUP');
  m = await untilAnswer('reload 3', async () => {
    const x = await getMetrics(rpc);
    return x.get('near_config_reloads_total') === 3 ? x : undefined;
  });
  assert.equal(m.get('near_block_expected_shutdown'), 0, 'removal + SIGHUP clears it');

  const target = m.get('near_block_height_head')! + 30; // 3 s: room for the reload on a loaded machine
  writeJson(cfgPath, { ...withoutShutdown, expected_shutdown: target });
  neard.child.kill('SIGHUP');
  m = await untilAnswer('reload 4', async () => {
    const x = await getMetrics(rpc);
    return x.get('near_config_reloads_total') === 4 ? x : undefined;
  });
  assert.equal(m.get('near_block_expected_shutdown'), target);
  assert.ok(m.get('near_block_height_head')! < target, 'still running below the target height');
  const { code } = await neard.exited;
  assert.equal(code, 0, 'a clean exit, as neard');
  const trigger = /Expected shutdown triggered: head block\((\d+)\) >= \((\d+)\)/.exec(neard.stderr());
  assert.ok(trigger, neard.stderr());
  assert.equal(Number(trigger[2]), target);
  assert.ok(Number(trigger[1]) >= target, 'stops once its head reaches the height, not before');
});

test('epoch length from genesis.json: epoch height and the per-epoch counters roll over', async () => {
  const epochLength = 12;
  const dir = localnet(1, 0, { NEARD_STANDIN_EPOCH_LENGTH: String(epochLength) });
  const { rpc } = await useFreePorts(join(dir, 'node0'));
  startNeard(['--home', join(dir, 'node0'), 'run'], FAST);
  const m = await untilAnswer('the third epoch', async () => {
    const x = await getMetrics(rpc);
    return x.get('near_epoch_height')! >= 3 ? x : undefined;
  });
  const head = m.get('near_block_height_head')!;
  assert.equal(m.get('near_epoch_height'), Math.floor((head - 1) / epochLength) + 1);
  // The only validator produces every block; counted from this epoch's first height only.
  const sinceEpochStart = head - (1 + Math.floor((head - 1) / epochLength) * epochLength) + 1;
  assert.equal(m.get('near_validators_blocks_expected{account_id="node0"}'), sinceEpochStart);
  assert.equal(m.get('near_validators_chunks_expected{account_id="node0"}'), sinceEpochStart);
  const s = await getStatus(rpc);
  const epochStart = s['sync_info']['epoch_start_height'];
  assert.ok(epochStart !== null, 'a synced node reports its epoch start');
  assert.equal((epochStart - 1) % epochLength, 0);
});

test('JSON-RPC validators [null]: nearcore\'s shape, the same counts as /metrics, restarting each epoch', async () => {
  const epochLength = 12;
  const dir = localnet(2, 0, { NEARD_STANDIN_EPOCH_LENGTH: String(epochLength) });
  const { rpc } = await useFreePorts(join(dir, 'node0'));
  startNeard(['--home', join(dir, 'node0'), 'run'], FAST);
  await syncedHead(rpc);

  const { http, body } = await rpcRequest<Json>(rpc, 'validators', [null]);
  assert.equal(http, 200);
  const result = body.result!;
  for (const field of ['current_validators', 'next_validators', 'current_fishermen', 'next_fishermen', 'current_proposals', 'prev_epoch_kickout']) {
    assert.ok(Array.isArray(result[field]), field);
  }
  const node1 = (result['current_validators'] as Json[]).find((v) => v['account_id'] === 'node1')!;
  assert.deepEqual(Object.keys(node1).sort(), [
    'account_id', 'is_slashed', 'num_expected_blocks', 'num_expected_chunks', 'num_expected_chunks_per_shard', 'num_produced_blocks',
    'num_produced_chunks', 'num_produced_chunks_per_shard', 'public_key', 'shards', 'stake',
  ]);
  assert.equal(node1['num_produced_blocks'], 0, 'nobody holds node1\'s key');

  // The reader against the stand-in: the counts sit between two /metrics reads taken around it. The counts
  // start again each epoch (every 12 blocks here), so the three reads are taken again until no epoch began
  // between the first and the last (on a loaded machine they can straddle one).
  const counted = async (): Promise<number> => (await getMetrics(rpc)).get('near_validators_blocks_expected{account_id="node0"}')!;
  const { before, reading, after } = await untilAnswer('three reads inside one epoch', async () => {
    const first = await fetchAccountProduction(`http://${rpc}`, 'node0', 2_000);
    const sandwich = { before: await counted(), reading: await fetchAccountProduction(`http://${rpc}`, 'node0', 2_000), after: await counted() };
    const last = await fetchAccountProduction(`http://${rpc}`, 'node0', 2_000);
    return first.epochStartHeight === last.epochStartHeight ? sandwich : undefined;
  });
  assert.equal(reading.kind, 'validator');
  if (reading.kind !== 'validator') return;
  assert.ok(before <= reading.expectedBlocks && reading.expectedBlocks <= after, `${before} <= ${reading.expectedBlocks} <= ${after}`);
  assert.ok(reading.producedBlocks <= reading.expectedBlocks, 'blocks before node0 started count as missed');
  assert.equal((reading.epochStartHeight - 1) % epochLength, 0);
  assert.equal(reading.epochHeight, Math.floor((reading.epochStartHeight - 1) / epochLength) + 1);
  assert.equal((await fetchAccountProduction(`http://${rpc}`, 'stranger.near', 2_000)).kind, 'not-validator');

  // The next epoch: a new start height and the counts start again.
  const next = await untilAnswer('the next epoch', async () => {
    const r = await fetchAccountProduction(`http://${rpc}`, 'node0', 2_000);
    return r.epochStartHeight > reading.epochStartHeight ? r : undefined;
  });
  assert.equal(next.epochHeight, (reading.epochHeight ?? 0) + 1);
  assert.ok(next.kind === 'validator' && next.expectedBlocks <= epochLength);
  assert.equal(next.producedBlocks, next.expectedBlocks, 'node0 validated the whole of this epoch');

  const other = await rpcRequest(rpc, 'validators', [{ block_id: 5 }]);
  assert.equal((other.body.error as RpcErrorBody).cause.name, 'PARSE_ERROR', 'only the current epoch is served');
  await assert.rejects(fetchAccountProduction('http://127.0.0.1:9', 'node0', 1_000), (e: unknown) => e instanceof ValidatorsRpcError && e.failure === 'unreachable' && /127\.0\.0\.1:9/.test(e.message));
});

interface Counts { blocksExpected: number; blocksProduced: number; chunksExpected: number; chunksProduced: number }

/** The oracle: heights of this epoch up to `head` with node0's duty, produced if a period covers the block's time. */
function expectedCounts(genesisMs: number, epochLength: number, head: number, busy: (offset: number) => boolean,
  periods: Array<[number, number]>): Counts {
  const epochStart = 1 + Math.floor((head - 1) / epochLength) * epochLength;
  let expected = 0;
  let produced = 0;
  for (let h = epochStart; h <= head; h++) {
    if (!busy(h - epochStart)) continue;
    expected++;
    const t = genesisMs + h * BLOCK_MS;
    if (periods.some(([s, e]) => s <= t && t < e)) produced++;
  }
  return { blocksExpected: expected, blocksProduced: produced, chunksExpected: expected, chunksProduced: produced };
}

function node0Counts(m: Map<string, number>): Counts {
  const get = (name: string): number => m.get(`${name}{account_id="node0"}`) ?? NaN;
  return {
    blocksExpected: get('near_validators_blocks_expected'),
    blocksProduced: get('near_validators_blocks_produced'),
    chunksExpected: get('near_validators_chunks_expected'),
    chunksProduced: get('near_validators_chunks_produced'),
  };
}

test('produced and missed: two processes hand node0\'s key over with a gap; every node of the pool agrees', async () => {
  const epochLength = 3000;
  const dir = localnet(2, 1, { NEARD_STANDIN_EPOCH_LENGTH: String(epochLength) });
  const genesisMs = Date.parse(readJson<GenesisFile>(join(dir, 'node0', 'genesis.json'))['genesis_time']);
  const vlog = join(dir, 'validators.jsonl');
  const everyOther = (offset: number): boolean => offset % 2 === 0;
  const env: Env = { ...FAST, NEARD_STANDIN_VALIDATOR_LOG: vlog, NEARD_STANDIN_SCHEDULE: 'node0:X1' };
  // a: node0's home. b: the pool's second machine (node2's home), no key yet. c: node1, another validator.
  const homeB = join(dir, 'node2');
  unlinkSync(join(homeB, 'validator_key.json'));
  const [a, b, c] = [await useFreePorts(join(dir, 'node0')), await useFreePorts(homeB), await useFreePorts(join(dir, 'node1'))];
  const neardA = startNeard(['--home', join(dir, 'node0'), 'run'], env);
  const neardB = startNeard(['--home', homeB, 'run'], env);
  startNeard(['--home', join(dir, 'node1'), 'run'], env);
  for (const n of [a, b, c]) await syncedHead(n.rpc);

  await untilAnswer('a produces', async () => node0Counts(await getMetrics(c.rpc)).blocksProduced >= 3);
  neardA.child.kill('SIGTERM');
  await neardA.exited;
  const stoppedAt = (await getMetrics(c.rpc)).get('near_block_height_head')!;
  await untilAnswer('a gap of 6 blocks', async () => (await getMetrics(c.rpc)).get('near_block_height_head')! >= stoppedAt + 6);
  copyFileSync(join(dir, 'node0', 'validator_key.json'), join(homeB, 'validator_key.json'));
  neardB.child.kill('SIGHUP');
  await untilAnswer('b validates', async () => (await getStatus(b.rpc))['validator_account_id'] === 'node0');
  const producedBefore = node0Counts(await getMetrics(c.rpc)).blocksProduced;
  await untilAnswer('b produces', async () => node0Counts(await getMetrics(c.rpc)).blocksProduced >= producedBefore + 3);

  const records = vlogRecords(vlog).filter((r) => r['account_id'] === 'node0');
  assert.deepEqual(records.map((r) => [r['event'], r['pid']]),
    [['validator_start', neardA.child.pid], ['validator_stop', neardA.child.pid], ['validator_start', neardB.child.pid]]);
  const periods: Array<[number, number]> = [[records[0]!['t_ms'], records[1]!['t_ms']], [records[2]!['t_ms'], Infinity]];
  for (const node of [b, c]) {
    const m = await getMetrics(node.rpc);
    const head = m.get('near_block_height_head')!;
    const want = expectedCounts(genesisMs, epochLength, head, everyOther, periods);
    assert.deepEqual(node0Counts(m), want, `node at ${node.rpc}, head ${head}`);
    assert.ok(want.blocksExpected - want.blocksProduced >= 3, 'the gap (every other block is node0\'s) counts as missed');
  }

  // A SIGKILLed validator writes no stop record: its last heartbeat ends its period, so the
  // blocks after the kill are missed although the ledger never says "stopped".
  const killedAt = Date.now();
  neardB.child.kill('SIGKILL');
  await neardB.exited;
  const killHead = (await getMetrics(c.rpc)).get('near_block_height_head')!;
  await untilAnswer('blocks after the kill', async () => (await getMetrics(c.rpc)).get('near_block_height_head')! >= killHead + 6);
  const m = await getMetrics(c.rpc);
  const head = m.get('near_block_height_head')!;
  const got = node0Counts(m);
  const atMost = expectedCounts(genesisMs, epochLength, head, everyOther, [periods[0]!, [periods[1]![0], killedAt + 100]]);
  // Heartbeats come every half block; allow for a loaded machine delaying the last one.
  const atLeast = expectedCounts(genesisMs, epochLength, head, everyOther, [periods[0]!, [periods[1]![0], killedAt - 1000]]);
  assert.equal(got.blocksExpected, atMost.blocksExpected);
  assert.ok(got.blocksProduced <= atMost.blocksProduced && got.blocksProduced >= atLeast.blocksProduced,
    `produced ${got.blocksProduced} within [${atLeast.blocksProduced}, ${atMost.blocksProduced}]`);
  assert.equal(got.chunksProduced, got.blocksProduced);
});

test('bad knobs fail loudly, naming the variable and what it accepts', async () => {
  const dir = tempDir();
  const r = neardSync(['--home', dir, 'localnet', '--v', '1'], { NEARD_STANDIN_EPOCH_LENGTH: '0' });
  assert.equal(r.status, 101);
  assert.match(r.stderr, /NEARD_STANDIN_EPOCH_LENGTH must be a whole number of blocks >= 1, got '0'/);

  const home = join(localnet(1, 0), 'node0');
  await useFreePorts(home);
  for (const [name, value, message] of [
    ['NEARD_STANDIN_SCHEDULE', 'node0=X3', /NEARD_STANDIN_SCHEDULE: 'node0=X3' must look like account:PATTERN/],
    ['NEARD_STANDIN_SCHEDULE', 'node0:0', /NEARD_STANDIN_SCHEDULE: the pattern of 'node0' covers no heights/],
    ['NEARD_STANDIN_WINDOWS_RPC', 'maybe', /NEARD_STANDIN_WINDOWS_RPC must be one of stable, experimental, absent, error, garbage, got 'maybe'/],
    ['NEARD_STANDIN_WINDOWS_SHAPE', 'tuples', /NEARD_STANDIN_WINDOWS_SHAPE must be one of ranges, pairs, got 'tuples'/],
  ] as const) {
    const neard = startNeard(['--home', home, 'run'], { ...FAST, [name]: value });
    assert.equal((await neard.exited).code, 101, `${name}=${value}`);
    assert.match(neard.stderr(), message);
  }
});
