/**
 * Hot-swap readiness as the daemon publishes it: the member record's two fields (an older daemon's record,
 * without them, still reads, as hot swap off), and the check of config.json that logs each new verdict once,
 * at the level it deserves, and sets the gauge.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pino from 'pino';
import { parseMemberRecord } from '../../services/pool/member-record.js';
import { HotSwapReadinessCheck } from '../../src/hot-swap-readiness.js';
import { createMetrics } from '../../src/metrics.js';
import { memberRecord } from '../support/member-fixture.js';

const KEY = 'kuutamod-members/pool.test/node0';

describe('member record', () => {
  test("a record from a daemon that predates the fields reads as hot swap off", () => {
    const { hotSwapReady: _ready, hotSwapReason: _reason, ...old } = memberRecord('node0', { height: 10, now: 1_000 });
    const parsed = parseMemberRecord(KEY, JSON.stringify(old));
    assert.equal(parsed.hotSwapReady, null);
    assert.equal(parsed.hotSwapReason, null);
  });

  test('ready, not ready with the reason, and a wrong type named', () => {
    const ready = parseMemberRecord(KEY, JSON.stringify(memberRecord('node0', { height: 10, now: 1_000 }, { hotSwapReady: true })));
    assert.equal(ready.hotSwapReady, true);
    const notReady = parseMemberRecord(KEY, JSON.stringify(memberRecord('node0', { height: 10, now: 1_000 }, { hotSwapReady: false, hotSwapReason: 'config.json tracks no shards' })));
    assert.deepEqual([notReady.hotSwapReady, notReady.hotSwapReason], [false, 'config.json tracks no shards']);
    const wrong = JSON.stringify({ ...memberRecord('node0', { height: 10, now: 1_000 }), hotSwapReady: 'yes' });
    assert.throws(() => parseMemberRecord(KEY, wrong), /field hotSwapReady is missing or of the wrong type/);
  });
});

interface Line {
  level: number;
  msg: string;
  hot_swap_ready: string;
}

function checkIn(config: unknown) {
  const home = mkdtempSync(join(tmpdir(), 'hot-swap-'));
  const write = (value: unknown) => writeFileSync(join(home, 'config.json'), JSON.stringify(value));
  write(config);
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  const metrics = createMetrics();
  const check = new HotSwapReadinessCheck({ neardHome: home, accountId: 'pool.test', logger, metrics });
  const gauge = async () => (await metrics.registry.getSingleMetric('kuutamod_hot_swap_ready')?.get())?.values[0]?.value;
  return { home, write, lines, metrics, check, gauge, [Symbol.dispose]: () => rmSync(home, { recursive: true, force: true }) };
}

describe('the check of config.json', () => {
  test('a standby that tracks no shards: one ERROR line naming what to set, gauge 0, record not ready', async () => {
    using node = checkIn({ tracked_shards_config: 'NoShards' });
    assert.equal(node.metrics.registry.getSingleMetric('kuutamod_hot_swap_ready'), undefined, 'no series before the first verdict');
    node.check.check();
    node.check.check();
    assert.equal(node.lines.length, 1, 'said once while it does not change');
    assert.equal(node.lines[0]?.level, 50);
    assert.match(node.lines[0]?.msg ?? '', /^validator key hot swap: config\.json tracks no shards \(tracked_shards_config is "NoShards"\).*set "tracked_shards_config": \{"ShadowValidator": "pool\.test"\} \(or "AllShards"\)\. This node stays in the pool/);
    assert.equal(await node.gauge(), 0);
    assert.equal(node.check.fields.hotSwapReady, false);
    assert.match(node.check.fields.hotSwapReason ?? '', /^config\.json tracks no shards/);
  });

  test('fixed in config.json: the next check (a new neard) says ready at info, gauge 1, no reason', async () => {
    using node = checkIn({ tracked_shards: [] });
    node.check.check();
    node.write({ tracked_shards_config: { ShadowValidator: 'pool.test' } });
    node.check.check();
    assert.deepEqual(node.lines.map((l) => [l.level, l.hot_swap_ready]), [[50, 'not-ready'], [30, 'ready']]);
    assert.equal(await node.gauge(), 1);
    assert.deepEqual(node.check.fields, { hotSwapReady: true, hotSwapReason: null });
  });

  test('ready on a condition and cannot tell are warnings; a config.json gone since start is cannot tell, not a crash', async () => {
    using node = checkIn({ tracked_shards_config: { Shards: ['s0.v3'] } });
    node.check.check();
    assert.equal(node.lines[0]?.level, 40);
    assert.equal(node.check.fields.hotSwapReady, true);
    assert.match(node.check.fields.hotSwapReason ?? '', /ready only while these include/);
    rmSync(join(node.home, 'config.json'));
    node.check.check();
    assert.equal(node.lines[1]?.level, 40);
    assert.match(node.lines[1]?.msg ?? '', /cannot read .*config\.json to tell which shards neard tracks/);
    assert.equal(node.check.fields.hotSwapReady, false);
    assert.equal(await node.gauge(), 0);
  });
});
