/**
 * What an isolated stand-in reports about itself (localnet/neard/own-view.ts), as nearcore behaves: the head
 * frozen at the cut with `syncing: false` and no peers; a node started while cut off waiting for peers
 * (`syncing: true`); after the lift a catch-up (syncing for the sync time), then the chain's head again,
 * and a head that never goes back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Chain } from '../../localnet/neard/chain.js';
import type { Interval } from '../../localnet/neard/fault-timeline.js';
import type { GenesisInfo } from '../../localnet/neard/home.js';
import { ownView, type OwnViewInput } from '../../localnet/neard/own-view.js';
import { fuzzRuns } from '../support/fuzz-runs.js';

const BLOCK_MS = 100;
const SYNC_MS = 300;
const GENESIS: GenesisInfo = {
  chainId: 'test', genesisTimeMs: 0, genesisHeight: 0, epochLength: 60, protocolVersion: 0, validators: [], text: 'g',
};
const chain = new Chain(GENESIS, BLOCK_MS);

/** A process started at 0 and synced at SYNC_MS, with 2 peers when connected. */
const input = (nowMs: number, isolations: Interval[], over: Partial<OwnViewInput> = {}): OwnViewInput => ({
  chain, nowMs, startedAtMs: 0, syncedAtMs: SYNC_MS, syncMs: SYNC_MS, isolations, peers: 2, ...over,
});

describe('ownView', () => {
  test('connected: the chain head, 2 peers, syncing only during the startup sync', () => {
    assert.deepEqual(ownView(input(5_000, [])), { head: 50, sync: 'synced', syncing: false, peers: 2, isolated: false });
    assert.equal(ownView(input(100, [])).sync, 'downloading');
  });

  test('isolated while synced: head frozen at the cut, no peers, syncing false (no higher peer to sync from)', () => {
    const cut = [{ startMs: 2_050, endMs: null }];
    assert.deepEqual(ownView(input(2_050, cut)).head, 20, 'at the cut itself still connected');
    for (const now of [2_051, 5_000, 60_000]) {
      assert.deepEqual(ownView(input(now, cut)), { head: 20, sync: 'synced', syncing: false, peers: 0, isolated: true });
    }
  });

  test('lifted: catches up (syncing for the sync time, head behind the chain), then follows the head', () => {
    const cut = [{ startMs: 2_050, endMs: 6_000 }];
    const during = ownView(input(6_100, cut));
    assert.equal(during.syncing, true);
    assert.equal(during.sync, 'downloading');
    assert.equal(during.peers, 2);
    assert.ok(during.head >= 20 && during.head < 61, `catching up: ${during.head}`);
    assert.deepEqual(ownView(input(6_000 + SYNC_MS, cut)), { head: 63, sync: 'synced', syncing: false, peers: 2, isolated: false });
  });

  test('started while its home is cut off: waits for peers (syncing true) with the head of the cut', () => {
    const cut = [{ startMs: 2_050, endMs: null }];
    const restarted = { startedAtMs: 4_000, syncedAtMs: 4_000 + SYNC_MS };
    assert.deepEqual(ownView(input(9_000, cut, restarted)), { head: 20, sync: 'awaiting-peers', syncing: true, peers: 0, isolated: true });
    // Lifted later: the catch-up as for a running node.
    const lifted = [{ startMs: 2_050, endMs: 9_000 }];
    assert.equal(ownView(input(9_000 + SYNC_MS - 1, lifted, restarted)).syncing, true);
    assert.equal(ownView(input(9_000 + SYNC_MS, lifted, restarted)).head, 93);
  });

  test('an isolation over before the process started changes nothing', () => {
    const old = [{ startMs: 100, endMs: 200 }];
    assert.deepEqual(ownView(input(5_000, old, { startedAtMs: 1_000, syncedAtMs: 1_300 })), ownView(input(5_000, [], { startedAtMs: 1_000, syncedAtMs: 1_300 })));
  });

  test('property: the head never goes back and is never above the chain head, across any isolations', () => {
    const arbIsolations = fc.array(fc.tuple(fc.integer({ min: 1, max: 3_000 }), fc.integer({ min: 1, max: 3_000 })), { maxLength: 4 })
      .chain((gaps) => fc.boolean().map((lastOpen) => {
        let t = 0;
        return gaps.map(([gap, length], i): Interval => {
          const startMs = t + gap;
          t = startMs + length;
          return { startMs, endMs: lastOpen && i === gaps.length - 1 ? null : t };
        });
      }));
    fc.assert(
      fc.property(arbIsolations, fc.integer({ min: 0, max: 2_000 }), (isolations, startedAtMs) => {
        const over = { startedAtMs, syncedAtMs: startedAtMs + SYNC_MS };
        let last = -1;
        for (let now = startedAtMs; now <= 16_000; now += 37) {
          const v = ownView(input(now, isolations, over));
          assert.ok(v.head >= last, `head back from ${last} to ${v.head} at ${now}`);
          assert.ok(v.head <= chain.headHeightAt(now));
          assert.equal(v.peers === 0, v.isolated);
          last = v.head;
        }
      }),
      fuzzRuns(100),
    );
  });
});
