/**
 * /metrics of real daemons (real Consul, the neard stand-in): the values of the operator metrics in
 * Validating and Voting, the production metrics (counts, the check after a takeover, a verdict), a fence kill counted after the guard killed a frozen leader's neard, the text
 * checked by the real `promtool check metrics`, and every metric name the shipped alert rules and
 * Grafana dashboard query present on a live daemon.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import { isAlive, waitForLeaderAndStandby, type Kuutamod } from '../support/kuutamod.js';
import { parseMetricsText, sampleValue, scrape, type Sample } from '../support/metrics-text.js';
import { REPO_ROOT } from '../support/paths.js';
import { dashboardQueries, metricNamesIn, ruleExpressions } from '../support/promql-names.js';
import { runPromtool } from '../support/promtool.js';
import { until, untilValue } from '../support/until.js';

/**
 * promtool's naming lint that stays, each for a reason (docs/metrics.md); every other line fails the test.
 * kuutamod's three metrics are byte-identical with Rust kuutamod so dashboards of mixed clusters work;
 * prom-client's default nodejs_active_*_total gauges keep the names every Node.js dashboard queries.
 */
const ACCEPTED_LINT = [
  /^kuutamod_neard_restarts counter metrics should have "_total" suffix$/,
  /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/,
];

/** Series Prometheus itself records for every scrape target; rules may use them. */
const PROMETHEUS_SERIES = new Set(['up']);

let cluster: DaemonCluster;

beforeEach(async () => {
  cluster = await startDaemonCluster('kuutamod-metrics-');
});

afterEach(() => cluster.stop());

const startNode = (nodeId: string) => cluster.startNode(nodeId);

/** Scrape until `ready` holds for the samples (values move with renewals and blocks); returns them. */
async function metricsWhen(daemon: Kuutamod, ready: (samples: Sample[]) => boolean, what: string, timeoutMs = 20_000): Promise<Sample[]> {
  let samples: Sample[] = [];
  return untilValue(
    `${daemon.nodeId}: ${what}`,
    async () => {
      samples = parseMetricsText(await scrape(daemon.url));
      return ready(samples) ? samples : undefined;
    },
    { timeoutMs, intervalMs: 100, detail: () => `last /metrics:\n${samples.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`).join('\n')}` },
  );
}

const packageVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('daemon metrics', { timeout: 120_000 }, () => {
  test('Validating and Voting nodes export lock, renewals, transitions, neard status and build info', async () => {
    const [leader, standby] = await waitForLeaderAndStandby(await startNode('node-a'), await startNode('node-b'));
    const renewed = (samples: Sample[]) => (sampleValue(samples, 'kuutamod_session_renewals_total', { result: 'success' }) ?? 0) >= 2;

    const lead = await metricsWhen(leader, renewed, 'two successful renewals on the leader');
    const now = Date.now() / 1000;
    assert.equal(sampleValue(lead, 'kuutamod_state', { type: 'Validating' }), 1);
    assert.equal(sampleValue(lead, 'kuutamod_lock_held'), 1);
    assert.equal(sampleValue(lead, 'kuutamod_transitions_total', { from: 'Voting', to: 'Validating' }), 1);
    assert.equal(sampleValue(lead, 'kuutamod_transitions_total', { from: 'Startup', to: 'Syncing' }), 1);
    assert.equal(sampleValue(lead, 'kuutamod_session_renewals_total', { result: 'error' }), 0);
    assert.equal(sampleValue(lead, 'kuutamod_session_renewals_total', { result: 'lost' }), 0);
    // Renewals run every second here (FAST_TIMINGS): the last one is seconds old at most.
    const lastRenewal = sampleValue(lead, 'kuutamod_session_renewal_last_success_timestamp_seconds')!;
    assert.ok(now - lastRenewal >= 0 && now - lastRenewal < 5, `last renewal ${now - lastRenewal} s ago`);
    assert.equal(sampleValue(lead, 'kuutamod_neard_fence_kills_total'), 0);
    assert.equal(sampleValue(lead, 'kuutamod_neard_syncing'), 0);
    assert.equal(sampleValue(lead, 'kuutamod_build_info', { version: packageVersion }), 1);

    const stand = await metricsWhen(standby, renewed, 'two successful renewals on the standby');
    assert.equal(sampleValue(stand, 'kuutamod_state', { type: 'Voting' }), 1);
    assert.equal(sampleValue(stand, 'kuutamod_lock_held'), 0);
    assert.equal(sampleValue(stand, 'kuutamod_transitions_total', { from: 'Registering', to: 'Voting' }), 1);
    assert.equal(sampleValue(stand, 'kuutamod_transitions_total', { from: 'Voting', to: 'Validating' }), undefined);
    assert.equal(sampleValue(stand, 'kuutamod_neard_syncing'), 0);

    // The head height is what neard's /status says, and it moves with the stand-in's blocks.
    const heightNow = sampleValue(stand, 'kuutamod_neard_head_height')!;
    assert.ok(heightNow > 0, `head height ${heightNow}`);
    const { blockHeight } = await standby.state();
    await metricsWhen(standby, (s) => sampleValue(s, 'kuutamod_neard_head_height')! > Math.max(heightNow, blockHeight ?? 0), 'the head height to pass the one /state showed');
  });

  test('production: the account counts on both nodes, the leader\'s check after its takeover, a standby\'s verdict', async () => {
    const [leader, standby] = await waitForLeaderAndStandby(await startNode('node-a'), await startNode('node-b'));
    const oneHot = (samples: Sample[], name: string, label: string) => samples.filter((s) => s.name === name && s.value === 1).map((s) => s.labels[label]);
    // The stand-in's genesis has the pool's account as its one validator: every height is its duty.
    const lead = await metricsWhen(leader, (s) => sampleValue(s, 'kuutamod_takeover_checks_total', { result: 'producing' }) === 1, 'the check after the takeover to say producing');
    assert.equal(sampleValue(lead, 'kuutamod_production_counts_readable'), 1);
    const produced = sampleValue(lead, 'kuutamod_account_blocks_produced')!;
    assert.ok(produced > 0 && produced <= sampleValue(lead, 'kuutamod_account_blocks_expected')!, `blocks produced ${produced}`);
    assert.ok(sampleValue(lead, 'kuutamod_account_chunks_expected')! >= sampleValue(lead, 'kuutamod_account_chunks_produced')!);
    assert.equal(sampleValue(lead, 'kuutamod_takeover_checks_total', { result: 'not-producing' }), 0);
    assert.deepEqual(oneHot(lead, 'kuutamod_production_leader_verdict', 'verdict'), [], 'the leader judges no leader');
    assert.equal(oneHot(lead, 'kuutamod_production_own_health', 'health').length, 1);
    assert.match(leader.log(), /check after the takeover: validating and producing: block #\d+/);

    const stand = await metricsWhen(standby, (s) => oneHot(s, 'kuutamod_production_leader_verdict', 'verdict').length === 1, 'a verdict on the leader');
    // Within --production-grace of the takeover a standby does not judge yet.
    assert.deepEqual(oneHot(stand, 'kuutamod_production_leader_verdict', 'verdict'), ['cannot-judge']);
    assert.deepEqual(oneHot(stand, 'kuutamod_production_own_health', 'health'), []);
    assert.equal(sampleValue(stand, 'kuutamod_production_move_held'), 0);
    assert.equal(sampleValue(stand, 'kuutamod_production_counts_readable'), 1);
    assert.equal(sampleValue(stand, 'kuutamod_production_claims_total', { reason: 'blocks-missed' }), 0);
  });

  test('promtool check metrics finds no problem beyond the accepted names, and every queried metric exists', async () => {
    const [leader] = await waitForLeaderAndStandby(await startNode('node-a'), await startNode('node-b'));
    // The account's counts are exported once the production watch has read them.
    await metricsWhen(leader, (s) => sampleValue(s, 'kuutamod_account_blocks_expected') !== undefined, "the account's counts");
    const text = await scrape(leader.url);

    const lint = await runPromtool(['check', 'metrics'], { input: text });
    const problems = `${lint.stdout}${lint.stderr}`.split('\n').filter((line) => line.trim() !== '');
    const unexpected = problems.filter((line) => !ACCEPTED_LINT.some((allowed) => allowed.test(line.trim())));
    assert.deepEqual(unexpected, [], `promtool check metrics (exit ${lint.code}):\n${problems.join('\n')}`);

    const exported = new Set(parseMetricsText(text).map((sample) => sample.name));
    const sources: Array<[string, string[]]> = [['deploy/grafana/kuutamod-dashboard.json', dashboardQueries(join(REPO_ROOT, 'deploy', 'grafana', 'kuutamod-dashboard.json'))]];
    const rulesDir = join(REPO_ROOT, 'deploy', 'prometheus');
    for (const file of readdirSync(rulesDir).filter((name) => name.endsWith('.yml') && name !== 'tests.yml' && name !== 'prometheus.yml')) {
      sources.push([`deploy/prometheus/${file}`, ruleExpressions(join(rulesDir, file))]);
    }
    for (const [file, queries] of sources) {
      assert.ok(queries.length > 0, `no queries read from ${file}`);
      for (const query of queries) {
        for (const name of metricNamesIn(query)) {
          assert.ok(exported.has(name) || PROMETHEUS_SERIES.has(name), `${file}: ${name} (in ${query}) is not on a live daemon's /metrics`);
        }
      }
    }
  });

  test('a fence kill by the neard guard is counted once the frozen daemon thaws', async () => {
    const daemon = await startNode('node-a');
    const { neardPid } = await daemon.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'validating neard');
    daemon.process.kill('SIGSTOP');
    // The lease (TTL 10 s - margin 2 s after the last renewal) runs out while the daemon cannot renew.
    try {
      await until('the guard to kill the validating neard at the lease deadline', () => !isAlive(neardPid!), { timeoutMs: 20_000, intervalMs: 100 });
    } finally {
      daemon.process.kill('SIGCONT');
    }
    const samples = await metricsWhen(daemon, (s) => sampleValue(s, 'kuutamod_neard_fence_kills_total') === 1, 'one fence kill');
    assert.ok(sampleValue(samples, 'kuutamod_neard_restarts')! >= 1);
    assert.match(daemon.log(), /neard was killed at the lease deadline \(fencing\)/);
  });
});
