// The neard stand-in (localnet/neard) run as a real child process, checked against the
// shapes and behaviours of nearcore's neard that the supervisor relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  canConnect, cleanupStandins, FAST, freePort, getStatus, localnet, neardSync, readJson, rpcRequest, startNeard, tempDir,
  useFreePorts, vlogRecords, writeJson, type ConfigFile, type GenesisFile, type KeyFile, type RpcReply,
  type StatusResponse,
} from '../../localnet/neard/harness.js';
import { untilAnswer } from '../support/until.js';
import { keyFromSeed } from '../../localnet/neard/keys.js';
import { readSyncEnds } from '../../localnet/neard/validator-log.js';

test.after(cleanupStandins);


/** A JSON-RPC call that must answer HTTP 200; R is the expected `result`. */
async function rpcCall<R = unknown>(rpc: string, method: string): Promise<RpcReply<R>> {
  const { http, body } = await rpcRequest<R>(rpc, method);
  assert.equal(http, 200);
  return body;
}

test('--version prints the nearcore version string', () => {
  const r = neardSync(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^neard \(release \d+\.\d+\.\d+\) \(build .+\) \(rustc .+\) \(protocol \d+\) \(db \d+\)/);
});

test('usage errors: unknown subcommand, unknown flag, no subcommand exit 2', () => {
  const dir = tempDir();
  const unknown = neardSync(['--home', dir, 'frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const badFlag = neardSync(['--home', dir, 'run', '--no-such-flag']);
  assert.equal(badFlag.status, 2);
  assert.match(badFlag.stderr, /unknown option '--no-such-flag'/);
  assert.equal(neardSync([]).status, 2);
});

test('localnet creates node homes like nearcore', async () => {
  const dir = localnet(2, 1);
  const homes = ['node0', 'node1', 'node2'];
  for (const h of homes) {
    for (const f of ['config.json', 'genesis.json', 'node_key.json', 'validator_key.json']) {
      assert.ok(existsSync(join(dir, h, f)), `${h}/${f}`);
    }
  }
  assert.ok(!existsSync(join(dir, 'node3')));
  const genesis = readJson<GenesisFile>(join(dir, 'node0', 'genesis.json'));
  assert.deepEqual(readJson<GenesisFile>(join(dir, 'node2', 'genesis.json')), genesis, 'one shared genesis');
  assert.deepEqual(genesis['validators'].map((v) => v['account_id']), ['node0', 'node1']);
  assert.equal(typeof genesis['chain_id'], 'string');

  const vkey = readJson<KeyFile>(join(dir, 'node1', 'validator_key.json'));
  assert.equal(vkey['account_id'], 'node1');
  assert.match(vkey['public_key'], /^ed25519:[1-9A-HJ-NP-Za-km-z]{43,44}$/);
  assert.match(vkey['secret_key'], /^ed25519:[1-9A-HJ-NP-Za-km-z]{86,88}$/);
  assert.equal(genesis['validators'][1]?.['public_key'], vkey['public_key']);
  const nodeKey0 = readJson<KeyFile>(join(dir, 'node0', 'node_key.json'));
  assert.equal(nodeKey0['account_id'], 'node');

  const c0 = readJson<ConfigFile>(join(dir, 'node0', 'config.json'));
  const c1 = readJson<ConfigFile>(join(dir, 'node1', 'config.json'));
  assert.match(c0['network']['addr'], /^127\.0\.0\.1:\d+$/);
  assert.match(c1['rpc']['addr'], /^127\.0\.0\.1:\d+$/);
  assert.equal(c0['network']['boot_nodes'], '');
  assert.equal(c1['network']['boot_nodes'], `${nodeKey0['public_key']}@${c0['network']['addr']}`);
  assert.equal(c0['genesis_file'], 'genesis.json');
  const addrs = homes.flatMap((h) => {
    const c = readJson<ConfigFile>(join(dir, h, 'config.json'));
    return [c['network']['addr'], c['rpc']['addr']];
  });
  assert.equal(new Set(addrs).size, addrs.length, 'every node gets its own ports');
});

test('keys derive from seeds exactly as nearcore (SecretKey::from_seed test vector)', () => {
  const k = keyFromSeed('test', 'test');
  assert.equal(k.public_key, 'ed25519:DcA2MzgpJbrUATQLLceocVckhhAqrkingax4oJ9kZ847');
  assert.equal(k.secret_key, 'ed25519:3KyUuch8pYP47krBq4DosFEVBMR5wDTMQ8AThzM8kAEcBQEpsPdYTZ2FPX5ZnSoLrerjwg66hwwJaW1wHzprd5k3');
});

test('run as validator: ports, status shapes, syncing, health, JSON-RPC, SIGTERM', async () => {
  const dir = localnet(2, 1);
  const home = join(dir, 'node0');
  const { rpc, p2pPort } = await useFreePorts(home);
  const vlog = join(dir, 'validators.jsonl');
  const neard = startNeard(['--home', home, 'run'], {
    ...FAST, NEARD_STANDIN_SYNC_MS: '1500', NEARD_STANDIN_STOP_DELAY_MS: '700', NEARD_STANDIN_VALIDATOR_LOG: vlog,
  });

  const first = await untilAnswer('/status', () => getStatus(rpc));
  assert.ok(await canConnect(p2pPort), 'network.addr is bound');
  assert.equal(first['sync_info']['syncing'], true);
  assert.equal((await fetch(`http://${rpc}/health`)).status, 503, 'health fails while syncing');

  const key = readJson<KeyFile>(join(home, 'validator_key.json'));
  const nodeKey = readJson<KeyFile>(join(home, 'node_key.json'));
  assert.deepEqual(Object.keys(first['version']).sort(), ['build', 'commit', 'rustc_version', 'version']);
  assert.equal(first['chain_id'], readJson<GenesisFile>(join(home, 'genesis.json'))['chain_id']);
  assert.equal(typeof first['protocol_version'], 'number');
  assert.equal(typeof first['latest_protocol_version'], 'number');
  assert.equal(first['rpc_addr'], rpc);
  assert.deepEqual(first['validators'], [{ account_id: 'node0' }, { account_id: 'node1' }]);
  assert.equal(first['validator_account_id'], 'node0');
  assert.equal(first['validator_public_key'], key['public_key']);
  assert.equal(first['node_key'], key['public_key']);
  assert.equal(first['node_public_key'], nodeKey['public_key']);
  assert.equal(typeof first['uptime_sec'], 'number');
  assert.match(first['genesis_hash'], /^[1-9A-HJ-NP-Za-km-z]{43,44}$/);
  assert.ok(!('detailed_debug_status' in first), 'omitted like serde skip_serializing_if');
  const si = first['sync_info'];
  for (const f of ['latest_block_hash', 'latest_state_root', 'earliest_block_hash', 'epoch_id'] as const) {
    assert.match(String(si[f]), /^[1-9A-HJ-NP-Za-km-z]{32,44}$/, f);
  }
  for (const f of ['latest_block_height', 'earliest_block_height', 'epoch_start_height'] as const) {
    assert.ok(Number.isInteger(si[f]), f);
  }
  assert.match(si['latest_block_time'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.match(String(si['earliest_block_time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

  const synced = await untilAnswer('syncing=false', async () => {
    const s = await getStatus(rpc);
    return s['sync_info']['syncing'] === false ? s : undefined;
  });
  assert.ok(synced['sync_info']['latest_block_height'] > si['latest_block_height'], 'height grows');
  const health = await fetch(`http://${rpc}/health`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'null');

  const viaRpc = await rpcCall<StatusResponse>(rpc, 'status');
  assert.equal(viaRpc['jsonrpc'], '2.0');
  assert.equal(viaRpc['id'], 'dontcare');
  assert.equal(viaRpc['result']?.['validator_account_id'], 'node0');
  assert.equal(viaRpc['result']?.['genesis_hash'], synced['genesis_hash']);
  const unknown = await rpcCall(rpc, 'no_such_method');
  assert.deepEqual(unknown['error'], {
    name: 'REQUEST_VALIDATION_ERROR',
    cause: { name: 'METHOD_NOT_FOUND', info: { method_name: 'no_such_method' } },
    code: -32601,
    message: 'Method not found',
    data: 'no_such_method',
  });

  await untilAnswer('a validator stats line', () => /INFO stats: #\s+\d+ \S+ Validator \| 2 validators 1 peer /.test(neard.stderr()));
  const records = vlogRecords(vlog);
  assert.equal(records.length, 1);
  assert.equal(records[0]?.['event'], 'validator_start');
  assert.equal(records[0]?.['pid'], neard.child.pid);
  assert.equal(records[0]?.['account_id'], 'node0');
  assert.equal(records[0]?.['home'], home);
  // Started with the key, before its sync: it produces from its sync end, which it appends to <log>.synced.
  assert.equal(records[0]?.['synced'], false);
  const syncEnd = await untilAnswer('the sync end record', () => readSyncEnds(vlog).find((r) => r.pid === neard.child.pid));
  assert.equal(syncEnd.home, home);
  assert.ok(syncEnd.t_ms >= records[0]['t_ms'] + 1500, 'the sync ended after NEARD_STANDIN_SYNC_MS');

  const sentAt = Date.now();
  neard.child.kill('SIGTERM');
  const { code } = await neard.exited;
  const took = Date.now() - sentAt;
  assert.equal(code, 0);
  assert.ok(took >= 650, `graceful stop waited the stop delay (${took} ms)`);
  assert.match(neard.stderr(), /WARN neard: SIGTERM, stopping\.\.\. this may take a few minutes\./);
  const after = vlogRecords(vlog);
  assert.deepEqual(after.map((r) => r['event']), ['validator_start', 'validator_stop']);
  assert.ok(after[1]!['t_ms'] > after[0]!['t_ms']);
  assert.ok(after[1]!['t_ms'] >= sentAt + 600, 'stop record written after the stop delay');
  assert.equal(await canConnect(p2pPort), false, 'network.addr released');
});

test('run without validator_key.json is not a validator', async () => {
  const dir = localnet(2, 1);
  const home = join(dir, 'node1');
  unlinkSync(join(home, 'validator_key.json'));
  const { rpc } = await useFreePorts(home);
  const vlog = join(dir, 'validators.jsonl');
  const neard = startNeard(['--home', home, 'run'], { ...FAST, NEARD_STANDIN_VALIDATOR_LOG: vlog });
  const s = await untilAnswer('synced status', async () => {
    const st = await getStatus(rpc);
    return st['sync_info']['syncing'] === false ? st : undefined;
  });
  assert.equal(s['validator_account_id'], null);
  assert.equal(s['validator_public_key'], null);
  assert.equal(s['node_key'], null);
  assert.equal(s['node_public_key'], readJson<KeyFile>(join(home, 'node_key.json'))['public_key']);
  await untilAnswer('a synced stats line', () => /INFO stats: #\s+\d+ \S+ 2 validators 1 peer /.test(neard.stderr()));
  assert.doesNotMatch(neard.stderr(), /Validator \|/);
  neard.child.kill('SIGINT');
  assert.equal((await neard.exited).code, 0);
  assert.match(neard.stderr(), /WARN neard: SIGINT, stopping/);
  assert.deepEqual(vlogRecords(vlog), [], 'no validator records without a key');
});

test('symlinked key files are followed; legacy private_key is accepted', async () => {
  const dir = localnet(1, 0);
  const home = join(dir, 'node0');
  const { rpc } = await useFreePorts(home);
  const creds = join(dir, 'credentials');
  mkdirSync(creds);
  const key = readJson<KeyFile>(join(home, 'validator_key.json'));
  writeJson(join(creds, 'validator_key.json'), { account_id: key['account_id'], public_key: key['public_key'], private_key: key['secret_key'] });
  renameSync(join(home, 'node_key.json'), join(creds, 'node_key.json'));
  unlinkSync(join(home, 'validator_key.json'));
  symlinkSync(join(creds, 'validator_key.json'), join(home, 'validator_key.json'));
  symlinkSync(join(creds, 'node_key.json'), join(home, 'node_key.json'));
  const neard = startNeard(['--home', home, 'run'], FAST);
  const s = await untilAnswer('/status', () => getStatus(rpc));
  assert.equal(s['validator_account_id'], 'node0');
  assert.equal(s['validator_public_key'], key['public_key']);
  neard.child.kill('SIGTERM');
  assert.equal((await neard.exited).code, 0);
});

test('bad config.json: clear error naming the file, non-zero exit', async () => {
  const dir = localnet(1, 0);
  const home = join(dir, 'node0');
  writeFileSync(join(home, 'config.json'), '{"network": {"addr": ');
  const neard = startNeard(['--home', home, 'run'], FAST);
  const { code } = await neard.exited;
  assert.equal(code, 101);
  assert.match(neard.stderr(), /Error loading config: .*config\.json/);

  writeJson(join(home, 'config.json'), { network: { addr: 'not-an-address' } });
  const again = startNeard(['--home', home, 'run'], FAST);
  assert.equal((await again.exited).code, 101);
  assert.match(again.stderr(), /config\.json.*invalid socket address 'not-an-address'/);
});

test('a taken rpc port makes run fail like neard', async () => {
  const dir = localnet(1, 0);
  const home = join(dir, 'node0');
  const { rpc } = await useFreePorts(home);
  const [host, port] = rpc.split(':');
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen({ host, port: Number(port) }, () => r()));
  try {
    const neard = startNeard(['--home', home, 'run'], FAST);
    const { code } = await neard.exited;
    assert.equal(code, 101);
    assert.match(neard.stderr(), new RegExp(`${rpc}.*EADDRINUSE|EADDRINUSE.*${rpc}`));
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
});

test('a second neard on the same home fails on the database lock', async () => {
  const dir = localnet(1, 0);
  const home = join(dir, 'node0');
  const { rpc } = await useFreePorts(home);
  const first = startNeard(['--home', home, 'run'], FAST);
  await untilAnswer('/status', () => getStatus(rpc));
  const second = startNeard(['--home', home, 'run', '--rpc-addr', `127.0.0.1:${await freePort()}`,
    '--network-addr', `127.0.0.1:${await freePort()}`], FAST);
  assert.equal((await second.exited).code, 101);
  assert.match(second.stderr(), /LOCK: Resource temporarily unavailable/);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
});

test('SIGHUP hot-swaps the validator key and applies expected_shutdown', async () => {
  const dir = localnet(2, 0);
  const home = join(dir, 'node0');
  const { rpc } = await useFreePorts(home);
  const stash = join(dir, 'validator_key.json');
  renameSync(join(home, 'validator_key.json'), stash);
  const vlog = join(dir, 'validators.jsonl');
  const neard = startNeard(['--home', home, 'run'], { ...FAST, NEARD_STANDIN_VALIDATOR_LOG: vlog });
  assert.equal((await untilAnswer('/status', () => getStatus(rpc)))['validator_account_id'], null);

  await untilAnswer('synced', async () => (await getStatus(rpc))['sync_info']['syncing'] === false);

  symlinkSync(stash, join(home, 'validator_key.json'));
  neard.child.kill('SIGHUP');
  await untilAnswer('key loaded', async () => (await getStatus(rpc))['validator_account_id'] === 'node0');
  assert.deepEqual(vlogRecords(vlog).map((r) => [r['event'], r['synced']]), [['validator_start', true]], 'a key added to a synced node produces at once');

  unlinkSync(join(home, 'validator_key.json'));
  neard.child.kill('SIGHUP');
  await untilAnswer('key dropped', async () => (await getStatus(rpc))['validator_account_id'] === null);
  assert.deepEqual(vlogRecords(vlog).map((r) => r['event']), ['validator_start', 'validator_stop']);
  assert.match(neard.stderr(), /Validator key updated: Some\("node0"\) -> None/);

  const height = (await getStatus(rpc))['sync_info']['latest_block_height'];
  writeJson(join(home, 'dyn_config.json'), { expected_shutdown: height + 5 });
  neard.child.kill('SIGHUP');
  const { code } = await neard.exited;
  assert.equal(code, 0);
  assert.match(neard.stderr(), /Expected shutdown triggered: head block\(\d+\) >= \(\d+\)/);
  assert.match(neard.stderr(), /ClientActor died, stopping\.\.\./);
});

test('NEARD_STANDIN_VALIDATOR_STOP_DELAY_FILE: read at the stop, it slows a process holding the key then, a hot-swapped one too, and no voter', async () => {
  const dir = localnet(2, 0);
  const delayFile = join(dir, 'validator-stop-delay-ms');
  writeFileSync(delayFile, '1500');
  const homes = [join(dir, 'node0'), join(dir, 'node1')];
  const rpcs = [(await useFreePorts(homes[0]!)).rpc, (await useFreePorts(homes[1]!)).rpc];
  // node0 starts as a voter and gets its key by SIGHUP; node1 stays a voter.
  const stash = join(dir, 'validator_key.json');
  renameSync(join(homes[0]!, 'validator_key.json'), stash);
  unlinkSync(join(homes[1]!, 'validator_key.json'));
  const env = { ...FAST, NEARD_STANDIN_STOP_DELAY_MS: '100', NEARD_STANDIN_VALIDATOR_STOP_DELAY_FILE: delayFile };
  const [swapped, voter] = homes.map((home) => startNeard(['--home', home, 'run'], env)) as [ReturnType<typeof startNeard>, ReturnType<typeof startNeard>];
  for (const rpc of rpcs) await untilAnswer('/status', () => getStatus(rpc));
  symlinkSync(stash, join(homes[0]!, 'validator_key.json'));
  swapped.child.kill('SIGHUP');
  await untilAnswer('key loaded', async () => (await getStatus(rpcs[0]!))['validator_account_id'] === 'node0');
  const stopped = async (neard: ReturnType<typeof startNeard>) => {
    const t0 = Date.now();
    neard.child.kill('SIGTERM');
    assert.equal((await neard.exited).code, 0);
    return Date.now() - t0;
  };
  const [slowMs, fastMs] = await Promise.all([stopped(swapped), stopped(voter)]);
  assert.ok(slowMs >= 1500, `the hot-swapped validator stopped in ${slowMs} ms, not after the file's 1500`);
  assert.ok(fastMs < 1500, `the voter stopped in ${fastMs} ms: the file is for validators only`);
});

test('startup delay: ports are bound only after NEARD_STANDIN_STARTUP_DELAY_MS', async () => {
  const dir = localnet(1, 0);
  const home = join(dir, 'node0');
  const { rpc, p2pPort } = await useFreePorts(home);
  const startedAt = Date.now();
  const neard = startNeard(['--home', home, 'run'], { ...FAST, NEARD_STANDIN_STARTUP_DELAY_MS: '800' });
  await untilAnswer('/status', () => getStatus(rpc));
  assert.ok(Date.now() - startedAt >= 800, 'rpc bound after the delay');
  assert.ok(await canConnect(p2pPort));
  neard.child.kill('SIGTERM');
  assert.equal((await neard.exited).code, 0);
});

test('NEARD_STANDIN_LAG_BLOCKS: a synced node whose head trails the network head by that many blocks', async () => {
  const dir = localnet(2, 0);
  const homes = [join(dir, 'node0'), join(dir, 'node1')];
  const rpcs = [(await useFreePorts(homes[0]!)).rpc, (await useFreePorts(homes[1]!)).rpc];
  const normal = startNeard(['--home', homes[0]!, 'run'], FAST);
  const slow = startNeard(['--home', homes[1]!, 'run'], { ...FAST, NEARD_STANDIN_LAG_BLOCKS: '3' });
  const synced = async (rpc: string) => {
    const status = await getStatus(rpc);
    return status.sync_info.syncing ? undefined : status;
  };
  await untilAnswer('both synced', async () => ((await synced(rpcs[0]!)) && (await synced(rpcs[1]!))) || undefined);
  // Read together: the heads differ by the lag give or take the one block that may pass between the reads.
  const [a, b] = await Promise.all([getStatus(rpcs[0]!), getStatus(rpcs[1]!)]);
  const behind = a.sync_info.latest_block_height - b.sync_info.latest_block_height;
  assert.ok(behind >= 2 && behind <= 4, `the slow node is ${behind} blocks behind, not about 3`);
  assert.equal(b.sync_info.syncing, false, 'and says it is synced');
  for (const neard of [normal, slow]) neard.child.kill('SIGTERM');
  await Promise.all([normal.exited, slow.exited]);
});

test('init writes a single-node home', () => {
  const home = join(tempDir(), 'home');
  const r = neardSync(['--home', home, 'init', '--chain-id', 'localnet', '--account-id', 'validator.near']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readJson<KeyFile>(join(home, 'validator_key.json'))['account_id'], 'validator.near');
  assert.equal(readJson<KeyFile>(join(home, 'node_key.json'))['account_id'], 'node');
  const genesis = readJson<GenesisFile>(join(home, 'genesis.json'));
  assert.equal(genesis['chain_id'], 'localnet');
  assert.deepEqual(genesis['validators'].map((v) => v['account_id']), ['validator.near']);
  const cfg = readJson<ConfigFile>(join(home, 'config.json'));
  assert.equal(cfg['network']['addr'], '0.0.0.0:24567');
  assert.equal(cfg['rpc']['addr'], '0.0.0.0:3030');
});
