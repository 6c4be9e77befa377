// The validator recorder on a hand-written stand-in log: which start counts as a new validator. A
// mid-handover fault kills the candidate's daemon, whose neard may still write a start of its own just
// after; that start must not count as the pool's recovery (the neard dies with its daemon).
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ValidatorRecorder } from './recorder.js';

test('firstStartAfter skips the old pid and, when asked, every start from one neard home', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kuutamod-recorder-'));
  try {
    const recorder = new ValidatorRecorder(join(dir, 'validators.jsonl'));
    // Pids of this very process: alive, so the recorder does not end their intervals as deaths.
    const line = (pid: number, home: string, t_ms: number) => JSON.stringify({ event: 'validator_start', pid, home, t_ms }) + '\n';
    appendFileSync(recorder.path, line(process.pid, '/a', 100) + line(process.ppid, '/b', 200) + line(process.pid, '/a', 300));
    recorder.poll();
    assert.equal(recorder.intervals.length, 3);
    assert.equal(recorder.intervals[1]?.home, '/b');
    assert.equal(recorder.firstStartAfter(150, null)?.start, 200);
    assert.equal(recorder.firstStartAfter(150, null, '/b')?.start, 300);
    assert.equal(recorder.firstStartAfter(150, process.pid, '/b'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
