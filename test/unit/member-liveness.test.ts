/** Member liveness on the local monotonic clock (services/pool/member-liveness.ts), with simulated clocks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEMBER_WRITE_DEBOUNCE_MS } from '../../services/pool/member-publisher.js';
import { MemberLiveness } from '../../services/pool/member-liveness.js';

const INTERVAL = 15_000;
const LIMIT = 2 * INTERVAL + MEMBER_WRITE_DEBOUNCE_MS;

function clocks(wallSkewMs: number) {
  const clock = { mono: 1_000_000, wall: 5_000_000 };
  return { clock, liveness: new MemberLiveness(INTERVAL, { monotonicNow: () => clock.mono, wallNow: () => clock.wall + wallSkewMs }) };
}

test('a record that keeps being rewritten stays live; one that stops is dead two intervals after its last rewrite', () => {
  const { clock, liveness } = clocks(0);
  let record = { nodeId: 'b', publishedAt: clock.wall };
  liveness.observe([record]);
  for (let i = 0; i < 10; i++) {
    clock.mono += INTERVAL;
    clock.wall += INTERVAL;
    record = { nodeId: 'b', publishedAt: clock.wall };
    liveness.observe([record]);
    assert.equal(liveness.isLive(record), true);
  }
  clock.mono += LIMIT;
  liveness.observe([record]);
  assert.equal(liveness.isLive(record), true, 'exactly at the limit');
  clock.mono += 1;
  assert.equal(liveness.isLive(record), false);
});

test('a rewrite is judged on this machine\'s clock, whatever the writer\'s wall clock says', () => {
  // The writer's clock is an hour behind ours: its publishedAt always looks an hour old.
  const { clock, liveness } = clocks(0);
  const first = { nodeId: 'b', publishedAt: clock.wall - 3_600_000 };
  liveness.observe([first]);
  assert.equal(liveness.isLive(first), false, 'first sight: only its own timestamp is known');
  clock.mono += INTERVAL;
  const rewritten = { nodeId: 'b', publishedAt: first.publishedAt + INTERVAL };
  liveness.observe([rewritten]);
  assert.equal(liveness.isLive(rewritten), true, 'a rewrite seen now is live');
  assert.equal(liveness.isLive(first), false, 'an older version of the record is not the one read last');
});

test('a record first seen young is live; one that left the pool is forgotten', () => {
  const { clock, liveness } = clocks(0);
  const young = { nodeId: 'c', publishedAt: clock.wall - 5_000 };
  liveness.observe([young]);
  assert.equal(liveness.isLive(young), true);
  clock.mono += LIMIT - 5_000 + 1;
  assert.equal(liveness.isLive(young), false, 'its age counts from its own timestamp at first sight');
  liveness.observe([]);
  assert.equal(liveness.isLive(young), false);
});
