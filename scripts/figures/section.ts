/**
 * README.md's figures section, rendered from the reports' figures blocks and a judgement of which reports
 * were measured on today's code (code-freshness.ts makes it with git; the section records it, so the
 * section can be checked against the reports without git). Pure.
 */
import type { Figure } from './block.js';
import type { ReportInput } from './reports.js';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED FIGURES (npm run docs:figures; edits here are overwritten) -->';
export const END_MARKER = '<!-- END GENERATED FIGURES -->';
const JUDGEMENT_PREFIX = '<!-- judged: ';

/** How a report's commit stands against today's daemon code (docs/figures.md). */
export type Freshness = 'current' | 'older' | 'local changes' | 'unknown commit';

export interface Judgement {
  /** The last commit that changed the daemon's code (src/, services/, machines/) when the section was written. */
  codeCommit: string;
  /** For each report with a block: the commit it names and how that commit stands. */
  reports: Record<string, { commit: string; freshness: Freshness }>;
}

const NOT_YET = '**not measured on today\'s code yet**';

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

const cell = (text: string) => text.replaceAll('|', '\\|');

function status(report: ReportInput, judgement: Judgement): string {
  if (!report.exists) return `${NOT_YET}: no report yet (\`${report.script}\` writes it)`;
  if (report.block === null) return `${NOT_YET}: this report was written before its script wrote a figures block; its figures are not copied here`;
  const judged = judgement.reports[report.path];
  if (judged === undefined) throw new Error(`${report.path}: no judgement recorded for it: run npm run docs:figures`);
  if (judged.commit !== report.block.commit) {
    throw new Error(`${report.path}: judged for commit ${judged.commit}, but the report now names ${report.block.commit}: run npm run docs:figures`);
  }
  switch (judged.freshness) {
    case 'current':
      return '**on today\'s code**';
    case 'older':
      return `${NOT_YET}: the daemon's code at ${report.block.commit} is not the code of ${judgement.codeCommit}`;
    case 'local changes':
      return `${NOT_YET}: measured with uncommitted changes (${report.block.commit})`;
    case 'unknown commit':
      return `${NOT_YET}: its commit (${report.block.commit}) is not in this repository's history`;
  }
}

function number(v: number | null, digits: number): string {
  return v === null ? '-' : v.toFixed(digits);
}

/** "1 trial", "20 trials" ("series" stays). */
function things(n: number, of: string): string {
  return `${n} ${n === 1 && !of.endsWith('ies') ? of.replace(/s$/, '') : of}`;
}

function figureRow(f: Figure): string {
  const name = cell(f.unit === '' ? f.name : `${f.name} (${f.unit})`);
  if (f.kind === 'value') return `| ${name} | | | | ${number(f.value, f.digits)} | ${cell(things(f.n, f.of))} |`;
  const over = f.outOf === undefined ? things(f.n, f.of) : `${f.n} of ${things(f.outOf, f.of)}`;
  return `| ${name} | ${number(f.median, f.digits)} | ${number(f.p95, f.digits)} | ${number(f.max, f.digits)} | | ${cell(over)} |`;
}

/** The section between the markers (markers excluded). */
export function renderFiguresSection(reports: readonly ReportInput[], judgement: Judgement): string {
  const lines = [
    `${JUDGEMENT_PREFIX}${JSON.stringify(judgement).replaceAll('>', '\\u003e')} -->`,
    '',
    'Copied by `npm run docs:figures` from the figures block each report\'s script writes (never typed): median, p95 and',
    'max over all trials (nearest rank), with the commit and the command of the run. A report is **on today\'s code** when the',
    `daemon's code (\`src/\`, \`services/\`, \`machines/\`) at its commit is that of ${judgement.codeCommit}, the last commit to change it when`,
    'this section was written ([docs/figures.md](docs/figures.md)). `npm test` fails when this section and the reports disagree.',
    '',
    '| report | status | commit | command |',
    '|---|---|---|---|',
    ...reports.map((r) => `| [${r.title}](${r.path}) | ${status(r, judgement)} | ${r.block ? cell(r.block.commit) : '-'} | ${r.block ? cell(code(r.block.command)) : '-'} |`),
  ];
  for (const r of reports) {
    if (r.block === null) continue;
    lines.push(
      '',
      `**[${r.title}](${r.path})** (${status(r, judgement)}): commit ${r.block.commit}, ${code(r.block.command)}, ${r.block.date}.`,
      '',
      '| figure | median | p95 | max | value | over |',
      '|---|---|---|---|---|---|',
      ...r.block.figures.map(figureRow),
    );
  }
  return lines.join('\n');
}

/** The section of a document (markers excluded), or null without markers. */
export function figuresSectionOf(document: string): string | null {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) return null;
  return document.slice(begin + BEGIN_MARKER.length, end).replace(/^\n/, '').replace(/\n$/, '');
}

export function replaceFiguresSection(document: string, section: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`README.md has no figures section: it needs the lines ${BEGIN_MARKER} and ${END_MARKER}`);
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n${section}\n${document.slice(end)}`;
}

/** The judgement a section recorded, so it can be rendered again from the reports without git. */
export function judgementOf(section: string): Judgement {
  const line = section.split('\n').find((l) => l.startsWith(JUDGEMENT_PREFIX));
  if (line === undefined) throw new Error(`README.md's figures section has no "${JUDGEMENT_PREFIX.trim()}" line: run npm run docs:figures`);
  const data = JSON.parse(line.slice(JUDGEMENT_PREFIX.length, line.lastIndexOf(' -->'))) as unknown;
  if (!isJudgement(data)) throw new Error(`README.md's figures section: its judgement line is malformed: run npm run docs:figures`);
  return data;
}

const FRESHNESS: readonly Freshness[] = ['current', 'older', 'local changes', 'unknown commit'];

function isJudgement(data: unknown): data is Judgement {
  if (typeof data !== 'object' || data === null) return false;
  const { codeCommit, reports } = data as Record<string, unknown>;
  if (typeof codeCommit !== 'string' || typeof reports !== 'object' || reports === null) return false;
  return Object.values(reports).every((r) => {
    const { commit, freshness } = (r ?? {}) as Record<string, unknown>;
    return typeof commit === 'string' && FRESHNESS.includes(freshness as Freshness);
  });
}
