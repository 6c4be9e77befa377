/**
 * Which config.json makes a hot-swap standby able to produce chunks after the SIGHUP: the shapes nearcore
 * writes and reads (TrackedShardsConfig, and the deprecated fields in neard's order), each with the verdict
 * and a message that names the key, its value and what to set.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { trackedShardsReadiness } from '../../services/neard/tracked-shards.js';

const ACCOUNT = 'pool.test';

/** config.json as neard writes it, with the tracking fields of the case. */
const config = (tracking: Record<string, unknown>) => ({
  genesis_file: 'genesis.json',
  network: { addr: '0.0.0.0:24567', boot_nodes: '' },
  rpc: { addr: '0.0.0.0:3030' },
  store: { path: 'data' },
  ...tracking,
});

const judge = (tracking: Record<string, unknown>) => trackedShardsReadiness(config(tracking), ACCOUNT);

describe('tracked_shards_config (newer neard)', () => {
  test('"AllShards" and the ShadowValidator of this very account are ready, without a caveat', () => {
    const all = judge({ tracked_shards_config: 'AllShards' });
    assert.equal(all.verdict, 'ready');
    assert.equal(all.caveat, null);
    assert.equal(all.message, 'config.json tracks all shards (tracked_shards_config is "AllShards"): ready for a hot swap');
    const shadow = judge({ tracked_shards_config: { ShadowValidator: ACCOUNT } });
    assert.deepEqual(shadow, {
      verdict: 'ready',
      tracks: 'the shards of pool.test',
      caveat: null,
      message: 'config.json tracks the shards of pool.test (tracked_shards_config is {"ShadowValidator":"pool.test"}): ready for a hot swap',
    });
  });

  test('"NoShards" is not ready: the message names the key, its value and what to set', () => {
    const none = judge({ tracked_shards_config: 'NoShards' });
    assert.equal(none.verdict, 'not-ready');
    assert.equal(
      none.message,
      'config.json tracks no shards (tracked_shards_config is "NoShards"): a hot-swap standby cannot produce chunks for pool.test after the SIGHUP; ' +
        'set "tracked_shards_config": {"ShadowValidator": "pool.test"} (or "AllShards")',
    );
  });

  test('shadowing another account is not ready', () => {
    const other = judge({ tracked_shards_config: { ShadowValidator: 'other.near' } });
    assert.equal(other.verdict, 'not-ready');
    assert.equal(other.tracks, 'the shards of other.near, not pool.test');
    assert.match(other.message, /tracked_shards_config is \{"ShadowValidator":"other\.near"\}.*set "tracked_shards_config": \{"ShadowValidator": "pool\.test"\}/);
  });

  test('an explicit shard list is ready on a condition, and says which shards (either ShardUId form)', () => {
    const some = judge({ tracked_shards_config: { Shards: ['s0.v3', { shard_id: 2, version: 3 }] } });
    assert.equal(some.verdict, 'ready');
    assert.equal(some.tracks, 'shards s0.v3, s2.v3 only');
    assert.equal(some.caveat, 'ready only while these include the shards pool.test produces chunks for');
    assert.match(some.message, /^config\.json tracks shards s0\.v3, s2\.v3 only \(tracked_shards_config is .*\): ready only while .*; to follow them wherever they move, set "tracked_shards_config": \{"ShadowValidator": "pool\.test"\}/);
    assert.equal(judge({ tracked_shards_config: { Shards: [] } }).verdict, 'not-ready');
  });

  test('a schedule and a list of accounts are ready on a condition; empty ones track nothing', () => {
    const schedule = judge({ tracked_shards_config: { Schedule: [[0], [1, 2]] } });
    assert.equal(schedule.verdict, 'ready');
    assert.match(schedule.caveat ?? '', /^ready only in epochs whose set includes/);
    const accounts = judge({ tracked_shards_config: { Accounts: ['aurora', 'x.near'] } });
    assert.equal(accounts.verdict, 'ready');
    assert.equal(accounts.tracks, 'the shards holding aurora, x.near');
    assert.equal(judge({ tracked_shards_config: { Schedule: [] } }).verdict, 'not-ready');
    assert.equal(judge({ tracked_shards_config: { Accounts: [] } }).verdict, 'not-ready');
  });

  test('it takes precedence over the deprecated fields, both ways', () => {
    assert.equal(judge({ tracked_shards_config: 'NoShards', tracked_shards: [0] }).verdict, 'not-ready');
    assert.equal(judge({ tracked_shards_config: 'AllShards', tracked_shards: [], tracked_shadow_validator: 'other.near' }).verdict, 'ready');
    // null is neard's None: the deprecated fields decide.
    assert.equal(judge({ tracked_shards_config: null, tracked_shards: [0] }).verdict, 'ready');
  });

  test('unknown shapes: cannot tell, said with the value, never a crash', () => {
    const shapes: unknown[] = ['SomeShards', 42, [], {}, { ShadowValidator: 7 }, { Shards: [0, 1] }, { Shards: ['shard0'] }, { Schedule: [['a']] }, { Accounts: [1] }, { Future: 1 }, { AllShards: null, NoShards: null }];
    for (const shape of shapes) {
      const verdict = judge({ tracked_shards_config: shape });
      assert.equal(verdict.verdict, 'unknown', JSON.stringify(shape));
      assert.match(verdict.message, /^cannot tell which shards config\.json tracks \(tracked_shards_config is .*, a shape this kuutamod does not know\): make sure it tracks pool\.test's shards/);
    }
  });
});

describe('the deprecated fields (older neard), in neard order', () => {
  test('a non-empty tracked_shards means all shards, whatever ids it holds', () => {
    const legacy = judge({ tracked_accounts: [], tracked_shadow_validator: null, tracked_shards: [0] });
    assert.equal(legacy.verdict, 'ready');
    assert.equal(legacy.message, 'config.json tracks all shards (tracked_shards is [0]: any non-empty list means all shards): ready for a hot swap');
    assert.equal(judge({ tracked_shards: [3] }).tracks, 'all shards');
  });

  test('nothing tracked (neard init\'s old default) is not ready, and the fix names the older form too', () => {
    const none = judge({ tracked_accounts: [], tracked_shadow_validator: null, tracked_shards: [] });
    assert.equal(none.verdict, 'not-ready');
    assert.equal(
      none.message,
      'config.json tracks no shards (no tracked_shards_config, and tracked_shards, tracked_shard_schedule, tracked_shadow_validator, tracked_accounts are empty or unset): ' +
        'a hot-swap standby cannot produce chunks for pool.test after the SIGHUP; set "tracked_shards_config": {"ShadowValidator": "pool.test"} (or "AllShards"); ' +
        'a neard that predates tracked_shards_config reads "tracked_shadow_validator": "pool.test" with "store": {"load_mem_tries_for_tracked_shards": true}',
    );
    assert.equal(judge({}).verdict, 'not-ready');
  });

  test('tracked_shadow_validator: ready for this account (nearcore failover guide), not for another', () => {
    const guide = trackedShardsReadiness(config({ tracked_shards: [], tracked_shadow_validator: ACCOUNT, store: { load_mem_tries_for_tracked_shards: true } }), ACCOUNT);
    assert.equal(guide.verdict, 'ready');
    assert.equal(guide.caveat, null);
    const other = judge({ tracked_shards: [], tracked_shadow_validator: 'other.near' });
    assert.equal(other.verdict, 'not-ready');
    assert.match(other.message, /tracked_shadow_validator is "other\.near"/);
  });

  test('shadowing with memtries off is ready with a caveat that says what to set', () => {
    const slow = trackedShardsReadiness(config({ tracked_shadow_validator: ACCOUNT, store: { load_mem_tries_for_tracked_shards: false } }), ACCOUNT);
    assert.equal(slow.verdict, 'ready');
    assert.match(slow.caveat ?? '', /^store\.load_mem_tries_for_tracked_shards is false/);
    assert.match(slow.message, /; set it to true$/);
  });

  test('neard order: tracked_shards, then tracked_shard_schedule, tracked_shadow_validator, tracked_accounts', () => {
    assert.equal(judge({ tracked_shards: [0], tracked_shadow_validator: 'other.near' }).verdict, 'ready');
    assert.equal(judge({ tracked_shards: [], tracked_shard_schedule: [[0], [1]], tracked_shadow_validator: 'other.near' }).tracks, 'a schedule of shard sets');
    assert.equal(judge({ tracked_shards: [], tracked_shadow_validator: 'other.near', tracked_accounts: ['pool.test'] }).verdict, 'not-ready');
    assert.equal(judge({ tracked_shards: [], tracked_accounts: ['pool.test'] }).tracks, 'the shards holding pool.test');
  });

  test('a deprecated field of the wrong type: cannot tell', () => {
    for (const tracking of [{ tracked_shards: 'all' }, { tracked_shards: [-1] }, { tracked_shadow_validator: ['x'] }, { tracked_accounts: 'x.near' }, { tracked_shard_schedule: [0] }]) {
      assert.equal(judge(tracking).verdict, 'unknown', JSON.stringify(tracking));
    }
  });
});
