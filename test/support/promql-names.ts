/**
 * Which metric names the shipped PromQL uses: every expression of the alert rules and every query of the
 * Grafana dashboard, so a test can check each name against a live daemon's /metrics. promtool checks the
 * syntax; this only needs to find the names, so it strips what cannot be one (strings, label matchers,
 * ranges, grouping label lists, Grafana variables, function calls, keywords, numbers and durations).
 */
import { readFileSync } from 'node:fs';

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** Metric names selected by one PromQL expression (Grafana variables such as $account_id allowed). */
export function metricNamesIn(expr: string): Set<string> {
  const stripped = expr
    .replace(/\$\{?\w+\}?/g, 'x') // Grafana variables: $__rate_interval, ${datasource}
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings, label values included
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  const names = new Set<string>();
  // Numbers and durations (5m, 1h30m, 1e3) are consumed whole so their letters are not taken for names.
  for (const match of stripped.matchAll(/\d[\w.]*|([A-Za-z_:][\w:]*)(?=\s*(\()?)/g)) {
    const [, name, call] = match;
    if (name && !call && !KEYWORDS.has(name)) names.add(name);
  }
  return names;
}

interface GrafanaTarget {
  expr?: string;
}
interface GrafanaPanel {
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
}
interface GrafanaVariable {
  type: string;
  query?: string | { query?: string };
}
interface GrafanaDashboard {
  panels?: GrafanaPanel[];
  templating?: { list?: GrafanaVariable[] };
}

/** Every PromQL query of a Grafana dashboard: panel targets (rows included) and query variables. */
export function dashboardQueries(path: string): string[] {
  const dashboard = JSON.parse(readFileSync(path, 'utf8')) as GrafanaDashboard;
  const queries: string[] = [];
  const visit = (panels: GrafanaPanel[] = []) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) queries.push(target.expr);
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    // label_values(<selector>, <label>) is Grafana's, not PromQL: its selector is the query.
    const labelValues = query?.match(/^label_values\((.*),\s*\w+\)$/);
    if (query) queries.push(labelValues ? labelValues[1]! : query);
  }
  return queries;
}

/** The `expr` of every rule in a Prometheus rule file (YAML read by promtool, so only the expr lines here). */
export function ruleExpressions(path: string): string[] {
  // A rule file is YAML; without a YAML parser among the dependencies, read each `expr:` value, plain or
  // a block scalar (`expr: |` then more-indented lines). promtool check rules proves the file is well formed.
  const lines = readFileSync(path, 'utf8').split('\n');
  const exprs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = lines[i]!.match(/^(\s*)(?:-\s+)?expr:\s*(.*)$/);
    if (!match) continue;
    const [, indent, value] = match;
    if (!/^[|>][-+]?$/.test(value!.trim())) {
      exprs.push(value!.trim());
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || lines[i + 1]!.search(/\S/) > indent!.length)) block.push(lines[++i]!);
    exprs.push(block.join('\n').trim());
  }
  return exprs;
}
