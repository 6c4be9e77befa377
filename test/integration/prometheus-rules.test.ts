/**
 * The shipped Prometheus files, checked by the real promtool: every alert's unit tests
 * (deploy/prometheus/tests.yml, firing and not firing), the example scrape config, and that every
 * query of the Grafana dashboard is valid PromQL. Whether the metric names they use exist on a live
 * daemon is test/integration/metrics.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/paths.js';
import { dashboardQueries, metricNamesIn, ruleExpressions } from '../support/promql-names.js';
import { runPromtool } from '../support/promtool.js';

const PROMETHEUS_DIR = join(REPO_ROOT, 'deploy', 'prometheus');
const ALERTS = join(PROMETHEUS_DIR, 'kuutamod-alerts.yml');
const DASHBOARD = join(REPO_ROOT, 'deploy', 'grafana', 'kuutamod-dashboard.json');

test('promtool test rules: every alert fires and stays quiet where tests.yml expects', async () => {
  const result = await runPromtool(['test', 'rules', 'tests.yml'], { cwd: PROMETHEUS_DIR });
  assert.equal(result.code, 0, `promtool test rules failed:\n${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /SUCCESS/);
});

test('tests.yml has a firing and a not-firing case for every alert of kuutamod-alerts.yml', () => {
  const alerts = [...readFileSync(ALERTS, 'utf8').matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1]!);
  assert.ok(alerts.length >= 6, `expected at least the six alerts of issue 9, found ${alerts.join(', ')}`);
  const tests = readFileSync(join(PROMETHEUS_DIR, 'tests.yml'), 'utf8');
  for (const alert of alerts) {
    assert.match(tests, new RegExp(`alertname: ${alert}, exp_alerts: \\[\\]`), `${alert} has no not-firing case`);
    assert.match(tests, new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels:`), `${alert} has no firing case`);
  }
});

test('promtool check config: the example prometheus.yml and the rule file it loads', async () => {
  const result = await runPromtool(['check', 'config', 'prometheus.yml'], { cwd: PROMETHEUS_DIR });
  assert.equal(result.code, 0, `promtool check config failed:\n${result.stdout}${result.stderr}`);
});

test('every Grafana dashboard query is valid PromQL (promtool check rules on them as recording rules)', async () => {
  const queries = dashboardQueries(DASHBOARD);
  assert.ok(queries.length >= 10, `only ${queries.length} queries found in ${DASHBOARD}`);
  // Grafana fills in its variables before Prometheus sees a query; any value of the right kind will do.
  const promql = queries.map((q) => q.replaceAll('$__rate_interval', '1m').replaceAll('$account_id', 'pool'));
  const rules = promql.map((expr, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr)}`).join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-promql-'));
  try {
    const file = join(dir, 'dashboard-rules.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const result = await runPromtool(['check', 'rules', file]);
    assert.equal(result.code, 0, `a dashboard query is not valid PromQL:\n${result.stdout}${result.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('metric names are found in PromQL, and nothing that is not one', () => {
  const expr = `(sum by (account_id) (kuutamod_state{type="Validating", x=~"a|b"}) or on (account_id) 0 * group by (account_id) (up{job="k"})) == 0
    and ignoring (type) rate(kuutamod_session_renewals_total[$__rate_interval] offset 5m) > 1e3
    unless time() - kuutamod_uptime / 1000 > 1h30m`;
  assert.deepEqual([...metricNamesIn(expr)].sort(), ['kuutamod_session_renewals_total', 'kuutamod_state', 'kuutamod_uptime', 'up']);
  const exprs = ruleExpressions(ALERTS);
  assert.ok(exprs.length >= 6 && exprs.every((e) => e.length > 0 && !e.includes('expr:')), `rule expressions read: ${JSON.stringify(exprs)}`);
});
