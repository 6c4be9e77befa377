/**
 * The home layout for each mode, and the atomic key swap: a reader never finds node_key.json missing
 * while it is switched between keys (kuutamod unlinked, then symlinked: a window without a key).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readlinkSync, readdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { readJsonObjectFile } from '../../services/json-object.js';
import { prepareNeardHome, replaceSymlink, type NeardHomeLayout } from '../../services/neard/home.js';

function makeHome(): NeardHomeLayout {
  const home = mkdtempSync(join(tmpdir(), 'neard-home-'));
  for (const name of ['validator_key.json', 'validator_node_key.json', 'voter_node_key.json']) writeFileSync(join(home, `src-${name}`), '{}');
  writeFileSync(join(home, 'config.json'), JSON.stringify({ network: { addr: '0.0.0.0:24567', boot_nodes: 'x' }, rpc: { addr: '0.0.0.0:3030' } }));
  return {
    home,
    keys: {
      validatorKey: join(home, 'src-validator_key.json'),
      validatorNodeKey: join(home, 'src-validator_node_key.json'),
      voterNodeKey: join(home, 'src-voter_node_key.json'),
    },
    validatorNetworkAddr: '127.0.0.1:1001',
    voterNetworkAddr: '127.0.0.1:1002',
  };
}

test('validator and voter layouts: links, network.addr, nothing else changed, no temporary files left', () => {
  const layout = makeHome();
  try {
    prepareNeardHome(layout, 'validator');
    assert.equal(readlinkSync(join(layout.home, 'validator_key.json')), layout.keys.validatorKey);
    assert.equal(readlinkSync(join(layout.home, 'node_key.json')), layout.keys.validatorNodeKey);
    let config = readJsonObjectFile(join(layout.home, 'config.json'));
    assert.deepEqual(config, { network: { addr: '127.0.0.1:1001', boot_nodes: 'x' }, rpc: { addr: '0.0.0.0:3030' } });
    prepareNeardHome(layout, 'voter');
    assert.equal(existsSync(join(layout.home, 'validator_key.json')), false);
    assert.equal(readlinkSync(join(layout.home, 'node_key.json')), layout.keys.voterNodeKey);
    config = readJsonObjectFile(join(layout.home, 'config.json'));
    assert.deepEqual(config['network'], { addr: '127.0.0.1:1002', boot_nodes: 'x' });
    assert.deepEqual(readdirSync(layout.home).filter((name) => name.includes('.tmp')), []);
  } finally {
    rmSync(layout.home, { recursive: true, force: true });
  }
});

test('a concurrent reader never sees node_key.json missing while it is swapped 2000 times', async () => {
  const layout = makeHome();
  const link = join(layout.home, 'node_key.json');
  replaceSymlink(layout.keys.voterNodeKey, link);
  // The reader runs on its own thread, so it really races the renames.
  const reader = new Worker(
    `const { readlinkSync } = require('node:fs'); const { parentPort, workerData } = require('node:worker_threads');
     let reads = 0, missing = 0, stop = false;
     parentPort.on('message', () => { stop = true; });
     const loop = () => { for (let i = 0; i < 500; i++) { try { readlinkSync(workerData); } catch { missing++; } reads++; }
       if (stop) parentPort.postMessage({ reads, missing }); else setImmediate(loop); };
     loop();`,
    { eval: true, workerData: link },
  );
  try {
    for (let i = 0; i < 2000; i++) replaceSymlink(i % 2 ? layout.keys.voterNodeKey : layout.keys.validatorNodeKey, link);
    const result = await new Promise<{ reads: number; missing: number }>((resolve) => {
      reader.once('message', resolve);
      reader.postMessage('stop');
    });
    assert.ok(result.reads > 1000, `the reader really ran (${result.reads} reads)`);
    assert.equal(result.missing, 0);
  } finally {
    await reader.terminate();
    rmSync(layout.home, { recursive: true, force: true });
  }
});
