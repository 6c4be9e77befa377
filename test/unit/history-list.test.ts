/**
 * The pool's history as a bounded list (machines/history-list.ts) and its one key in Consul
 * (services/pool/history-record.ts) against an in-memory KV with Consul's check-and-set rule: merges keep
 * every entry once, a completion replaces the open give-up it completes, the oldest are dropped past the
 * limit, two writers racing lose nothing, and garbage in the key is named and read as empty.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { completeGiveUp, displayOrder, HISTORY_LIMIT, lastValidatorOf, mergeHistory, openGiveUpOf, type HistoryEntry } from '../../machines/history-list.js';
import type { ConsulKvRecord } from '../../services/consul/client.js';
import { appendHistory, historyKeyOf, HistoryConflictError, historyValue, parseHistory, readHistory, type HistoryKv } from '../../services/pool/history-record.js';

const entry = (id: string, from: string | null, to: string | null, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  at: Number(id.replace(/\D/g, '')) * 1_000,
  from,
  to,
  reason: 'crash',
  detail: '',
  recordedBy: to ?? from ?? 'x',
  takenAt: null,
  ...fields,
});

/** Consul's KV for one key: ModifyIndex moves on every write; a write with a stale cas is refused. */
class MemoryKv implements HistoryKv {
  value: string | null = null;
  index = 0;
  private counter = 10;
  /** Runs once between the next read and its write: another writer's turn. */
  beforeNextWrite: (() => void) | null = null;

  async readRecord(key: string): Promise<ConsulKvRecord | undefined> {
    return this.index === 0 ? undefined : { Key: key, Value: this.value, ModifyIndex: this.index };
  }

  async writeKey(_key: string, value: string, options: { cas?: number } = {}): Promise<boolean> {
    const interleave = this.beforeNextWrite;
    this.beforeNextWrite = null;
    interleave?.();
    if (options.cas !== undefined && options.cas !== this.index) return false;
    this.put(value);
    return true;
  }

  put(value: string): void {
    this.value = value;
    this.index = ++this.counter;
  }
}

const ACCOUNT = 'pool.test';

describe('merging into the bounded list', () => {
  test('an entry already there is kept once; a completion replaces the open give-up in place', () => {
    const first = entry('e1', null, 'node0', { reason: 'first start' });
    const giveUp = entry('e2', 'node0', null, { reason: 'operator stop' });
    const stored = [first, giveUp];
    assert.deepEqual(mergeHistory(stored, [first, giveUp]), stored, 'a retried write adds nothing');
    const completed = completeGiveUp(giveUp, 'node1', 2_500);
    const merged = mergeHistory(stored, [completed, entry('e3', 'node1', null)]);
    assert.deepEqual(merged, [first, { ...giveUp, to: 'node1', takenAt: 2_500 }, entry('e3', 'node1', null)]);
    // The open version arriving after its completion (a late flush) does not undo it.
    assert.deepEqual(mergeHistory(merged, [giveUp]), merged);
  });

  test('past the limit the oldest are dropped', () => {
    const many = Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => entry(`e${i + 1}`, `n${i}`, `n${i + 1}`));
    const merged = mergeHistory([], many);
    assert.equal(merged.length, HISTORY_LIMIT);
    assert.equal(merged[0]!.id, 'e6');
    assert.equal(merged.at(-1)!.id, `e${HISTORY_LIMIT + 5}`);
    assert.deepEqual(mergeHistory(merged.slice(0, 3), [entry('e999', 'a', 'b')], 3).map((e) => e.id), ['e7', 'e8', 'e999']);
  });

  test("a give-up is open until a later entry names its node; the last validator is the newest `to`", () => {
    const entries = [entry('e1', null, 'node0'), entry('e2', 'node0', null)];
    assert.equal(openGiveUpOf(entries, 'node0')?.id, 'e2');
    assert.equal(openGiveUpOf([...entries, entry('e3', 'node0', 'node1')], 'node0'), undefined);
    assert.equal(openGiveUpOf([...entries, entry('e3', 'node1', 'node0')], 'node0'), undefined, 'it took the role again');
    assert.equal(openGiveUpOf(entries, 'node1'), undefined);
    assert.equal(lastValidatorOf(entries), 'node0');
    assert.equal(lastValidatorOf([]), null);
  });

  test('for people: oldest first by the recorded time, equal times in stored order', () => {
    const late = entry('e9', 'node0', null, { at: 1_000 });
    const ordered = displayOrder([entry('e2', 'a', 'b', { at: 2_000 }), late, entry('e3', 'b', 'c', { at: 2_000 })]);
    assert.deepEqual(ordered.map((e) => e.id), ['e9', 'e2', 'e3']);
  });
});

describe('the key in Consul', () => {
  test('appended by check-and-set: a missing key is created, each append keeps what was there', async () => {
    const kv = new MemoryKv();
    assert.deepEqual(await appendHistory(kv, ACCOUNT, [entry('e1', null, 'node0')]), []);
    await appendHistory(kv, ACCOUNT, [entry('e2', 'node0', null)]);
    await appendHistory(kv, ACCOUNT, [completeGiveUp(entry('e2', 'node0', null), 'node1', 2_100)]);
    const { entries, problems } = await readHistory(kv, ACCOUNT);
    assert.deepEqual(problems, []);
    assert.deepEqual(entries.map((e) => [e.id, e.from, e.to]), [['e1', null, 'node0'], ['e2', 'node0', 'node1']]);
    const index = kv.index;
    await appendHistory(kv, ACCOUNT, [entry('e1', null, 'node0')]);
    assert.equal(kv.index, index, 'nothing new: nothing written');
  });

  test('two writers at once: the one that lost the race reads again and both entries are kept', async () => {
    const kv = new MemoryKv();
    await appendHistory(kv, ACCOUNT, [entry('e1', null, 'node0')]);
    // node1's write lands between node0's read and its write.
    kv.beforeNextWrite = () => kv.put(historyValue([entry('e1', null, 'node0'), entry('e2', 'node0', 'node1')]));
    await appendHistory(kv, ACCOUNT, [entry('e3', 'node1', null)]);
    assert.deepEqual((await readHistory(kv, ACCOUNT)).entries.map((e) => e.id), ['e1', 'e2', 'e3']);
  });

  test('a writer that loses every race gives up with an error (its caller keeps the entries)', async () => {
    const kv = new MemoryKv();
    const busy: HistoryKv = { readRecord: (key) => kv.readRecord(key), writeKey: async () => false };
    await assert.rejects(appendHistory(busy, ACCOUNT, [entry('e1', null, 'n')], HISTORY_LIMIT, 3), HistoryConflictError);
  });

  test('garbage in the key is named and read as empty; the next append replaces it', async () => {
    const key = historyKeyOf(ACCOUNT);
    assert.deepEqual(parseHistory(key, '{"entries": ['), { entries: [], problems: [`Consul key ${key}: not JSON; read as empty (the next change of validator replaces it)`] });
    assert.match(parseHistory(key, '[1, 2]').problems[0]!, /not an object with a list of entries/);
    assert.deepEqual(parseHistory(key, null), { entries: [], problems: [] });
    assert.deepEqual(parseHistory(key, ''), { entries: [], problems: [] });
    // One bad entry among good ones: left out and named, the others kept.
    const mixed = parseHistory(key, JSON.stringify({ entries: [entry('e1', null, 'a'), { ...entry('e2', 'a', 'b'), reason: 'bored' }, 'x'] }));
    assert.deepEqual(mixed.entries.map((e) => e.id), ['e1']);
    assert.deepEqual(mixed.problems, [`Consul key ${key}: entry 1 left out: field reason is missing or of the wrong type`, `Consul key ${key}: entry 2 left out: not a JSON object`]);

    const kv = new MemoryKv();
    kv.put('garbage \u0000');
    const problems = await appendHistory(kv, ACCOUNT, [entry('e1', null, 'node0')]);
    assert.match(problems[0]!, /not JSON; read as empty/);
    assert.deepEqual(await readHistory(kv, ACCOUNT), { entries: [entry('e1', null, 'node0')], problems: [], modifyIndex: kv.index });
  });
});
