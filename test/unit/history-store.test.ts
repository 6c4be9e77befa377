/**
 * The daemon's door to the pool's history (services/pool/history-store.ts) with its local fallback file
 * (history-fallback.ts) in a temp dir and an in-memory KV that can be switched off: while Consul fails the
 * entries wait in the file (a completion merged into its give-up), the outage is logged once, a read shows
 * them as not in Consul yet; the next run or the next write flushes them, once, and the file goes. Lines
 * that cannot be read are named and skipped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { completeGiveUp, type HistoryEntry } from '../../machines/history-list.js';
import type { ConsulKvRecord } from '../../services/consul/client.js';
import { HISTORY_FALLBACK_FILE, readFallback } from '../../services/pool/history-fallback.js';
import { readHistory, type HistoryKv } from '../../services/pool/history-record.js';
import { HistoryStore } from '../../services/pool/history-store.js';

const dir = mkdtempSync(join(tmpdir(), 'history-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const entry = (id: string, from: string | null, to: string | null): HistoryEntry => ({ id, at: 1_000, from, to, reason: 'crash', detail: '', recordedBy: to ?? from ?? 'x', takenAt: null });

/** One key with check-and-set; `down` makes every call fail as an unreachable Consul does. */
class SwitchableKv implements HistoryKv {
  down = false;
  private record: ConsulKvRecord | undefined;
  private index = 0;

  async readRecord(): Promise<ConsulKvRecord | undefined> {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:8500');
    return this.record;
  }

  async writeKey(key: string, value: string, options: { cas?: number } = {}): Promise<boolean> {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:8500');
    if (options.cas !== undefined && options.cas !== (this.record?.ModifyIndex ?? 0)) return false;
    this.record = { Key: key, Value: value, ModifyIndex: ++this.index };
    return true;
  }
}

function capturedLogger() {
  const messages: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => messages.push(String((JSON.parse(line) as { msg: unknown }).msg)) });
  return { logger, messages };
}

let n = 0;
function storeIn(kv: HistoryKv): { store: HistoryStore; file: string; messages: string[] } {
  const home = mkdtempSync(join(dir, `home${++n}-`));
  const file = join(home, HISTORY_FALLBACK_FILE);
  const { logger, messages } = capturedLogger();
  return { store: new HistoryStore({ consul: kv, accountId: 'pool.test', file, retryMs: 60_000, logger }), file, messages };
}

describe('the local fallback', () => {
  test('while Consul fails, entries wait in the file (a completion merged into its give-up) and the outage is said once', async () => {
    const kv = new SwitchableKv();
    kv.down = true;
    const { store, file, messages } = storeIn(kv);
    const giveUp = entry('e1', 'node0', null);
    await store.record(giveUp);
    await store.record(completeGiveUp(giveUp, 'node0', 2_000));
    await store.record(entry('e2', 'node0', null));
    assert.deepEqual(readFallback(file), { entries: [{ ...giveUp, to: 'node0', takenAt: 2_000 }, entry('e2', 'node0', null)], problems: [] });
    assert.equal(messages.filter((m) => m.startsWith("cannot write the pool's history to Consul")).length, 1, messages.join('\n'));
    const read = await store.read();
    assert.deepEqual(read.entries.map((e) => e.id), ['e1', 'e2']);
    assert.deepEqual(read.pendingIds, ['e1', 'e2']);
    assert.match(read.problems[0]!, /cannot read the pool's history from Consul \(connect ECONNREFUSED.*showing only this node's entries/);

    // Consul answers again: the next write takes the waiting ones first, in order, and the file goes.
    kv.down = false;
    await store.record(entry('e3', 'node0', 'node1'));
    assert.deepEqual((await readHistory(kv, 'pool.test')).entries.map((e) => [e.id, e.to]), [['e1', 'node0'], ['e2', null], ['e3', 'node1']]);
    assert.equal(existsSync(file), false);
    assert.ok(messages.some((m) => m.startsWith("the pool's history reached Consul again (3 entry(ies)")), messages.join('\n'));
    assert.deepEqual((await store.read()).pendingIds, []);
    await store.close();
  });

  test('entries left by a run that ended while Consul failed are flushed by the next run, once', async () => {
    const kv = new SwitchableKv();
    kv.down = true;
    const first = storeIn(kv);
    await first.store.record(entry('e1', 'node0', null));
    await first.store.close();
    assert.equal(existsSync(first.file), true);

    kv.down = false;
    const { logger } = capturedLogger();
    const second = new HistoryStore({ consul: kv, accountId: 'pool.test', file: first.file, retryMs: 60_000, logger });
    await second.close();
    assert.deepEqual((await readHistory(kv, 'pool.test')).entries.map((e) => e.id), ['e1']);
    assert.equal(existsSync(first.file), false);
    // The same entry again (a crash between Consul's answer and the file's removal): kept once.
    writeFileSync(first.file, `${JSON.stringify(entry('e1', 'node0', null))}\n`);
    await new HistoryStore({ consul: kv, accountId: 'pool.test', file: first.file, retryMs: 60_000, logger }).close();
    assert.deepEqual((await readHistory(kv, 'pool.test')).entries.map((e) => e.id), ['e1']);
  });

  test('a torn or hand-edited line is named with its file and line, and skipped', () => {
    const file = join(dir, 'torn.jsonl');
    writeFileSync(file, `${JSON.stringify(entry('e1', 'a', null))}\n{"id": "e2", "at"\n${JSON.stringify({ ...entry('e3', 'a', null), from: 7 })}\n`);
    const read = readFallback(file);
    assert.deepEqual(read.entries.map((e) => e.id), ['e1']);
    assert.deepEqual(read.problems, [`${file}:2: not JSON (a torn write?); line skipped`, `${file}:3: field from is missing or of the wrong type; line skipped`]);
    assert.deepEqual(readFallback(join(dir, 'absent.jsonl')), { entries: [], problems: [] });
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 4, 'reading changes nothing');
  });
});
