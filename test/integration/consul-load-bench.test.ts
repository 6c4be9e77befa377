/**
 * The Consul load bench's smoke (`npm run bench:consul-load`, test/bench/consul-load.ts), run as the CLI it is:
 * 3 simulated pools for a 20 s window on a real 3-server Consul, and one kill in the real pool. Checks the exit
 * code and the report's shape: one column, every pool with a leader, the simulated daemons' requests counted
 * by kind with none failed, raft commits from the leader's telemetry, the servers' CPU and memory, and a
 * measured handover. About 40 s; the bench proper (N = 100, 300, 1,000) is not part of the tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runNodeScript } from '../support/node-script.js';
import { REPO_ROOT } from '../support/paths.js';

const BENCH = join(REPO_ROOT, 'dist', 'test', 'bench', 'consul-load.js');
const SMOKE_ARGS = ['--pools', '3', '--ramp-seconds', '2', '--warmup-seconds', '2', '--window-seconds', '20', '--kills', '1'];

const runBench = (args: string[]) => runNodeScript(BENCH, args, { cwd: REPO_ROOT });

/** The report's cell for the row whose label contains `label` (the one column of the smoke). */
function cell(report: string, label: string): string {
  const row = report.split('\n').find((line) => line.startsWith('| ') && line.includes(label));
  assert.ok(row, `the report has no row "${label}"`);
  const cells = row.split(' | ');
  assert.equal(cells.length, 2, `one column per pool count: ${row}`);
  return cells[1]!.replace(/ \|$/, '');
}

const numbers = (text: string) => [...text.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));

test('consul load bench (smoke): 3 simulated pools on a real 3-server Consul, a report with every figure and a measured handover', { timeout: 4 * 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'consul-load-smoke-'));
  try {
    const reportFile = join(dir, 'report.md');
    const { code, output } = await runBench([...SMOKE_ARGS, '--report', reportFile]);
    assert.equal(code, 0, `the bench exits 0 when no handover was lost:\n${output.slice(-4_000)}`);
    const report = readFileSync(reportFile, 'utf8');
    assert.match(report, /^# Consul load/);
    assert.match(report, /Commit: [0-9a-f]{7}/);
    assert.match(report, /\| \| N = 3 pools \(6 daemons\) \|/);
    assert.equal(cell(report, 'simulated daemons started / pools with a leader'), '6 of 6 / 3 of 3');
    // The daemon's own code made its requests against the real Consul: renewals and member writes at least, none failed.
    const kinds = cell(report, 'by kind, measured / expected');
    for (const kind of ['PUT /v1/session/renew', 'PUT kuutamod-members ?acquire']) {
      const measured = new RegExp(`${kind.replace(/[?/]/g, '\\$&')}: (\\d+\\.\\d+) /`).exec(kinds);
      assert.ok(measured && Number(measured[1]) > 0, `no ${kind} requests measured: ${kinds}`);
    }
    assert.equal(cell(report, 'failed requests'), '0');
    // Held open by the real Consul: a lock watch per standby, a handover watch per daemon.
    assert.equal(cell(report, 'blocking queries held open'), '9 / 9');
    const [p50, p99] = numbers(cell(report, 'request latency ms, p50 / p99'));
    assert.ok(p50! > 0 && p99! >= p50!, `latency p50 ${p50}, p99 ${p99}`);
    // A 20 s window holds at least one complete 10 s telemetry interval of the leader.
    const raft = cell(report, 'raft commits/s');
    assert.match(raft, /\*\*\d+\.\d\*\* \(\d+\.\d\), [12] intervals/);
    const servers = numbers(cell(report, 'Consul servers CPU'));
    assert.equal(servers.length, 4, 'the sum and each of the 3 servers');
    assert.ok(servers[0]! > 0);
    assert.equal(numbers(cell(report, 'Consul servers RSS MB')).length, 6, 'RSS and peak of each server');
    assert.equal(numbers(cell(report, 'generator CPU')).length, 3, 'the sum and each of 2 worker processes');
    const [median] = numbers(cell(report, 'real pool: lock handover ms'));
    assert.ok(median! > 0 && median! < 30_000, `handover ${median} ms`);
    assert.equal(cell(report, 'real pool: kills'), '1 (0)');
    assert.match(report, /- N = 3: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
