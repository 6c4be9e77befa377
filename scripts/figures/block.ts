/**
 * The figures block of a report: its headline numbers with the commit and command they came from, as JSON in
 * an HTML comment at the report's end (invisible on GitHub, read by `npm run docs:figures`). Each report's
 * script writes it (test/chaos/report.ts, test/bench/*-report.ts); nobody types it. Pure: render and parse.
 */

/** Median, p95 and max of one quantity over `n` values (nearest rank, test/chaos/checker.ts `stats`). */
export interface StatsFigure {
  kind: 'stats';
  name: string;
  /** 's', 'ms', 'MB', ...: the unit of median, p95 and max. */
  unit: string;
  /** Decimals to show. */
  digits: number;
  median: number | null;
  p95: number | null;
  max: number | null;
  /** Values the figures are over, and what they are ('trials', 'switchovers', 'kills', 'nodes'). */
  n: number;
  of: string;
  /** When the quantity exists in only some of them: how many there were (e.g. lock moved in n of outOf trials). */
  outOf?: number;
}

/** One number over `n` things: a count (overlaps, missed blocks) or a rate. */
export interface ValueFigure {
  kind: 'value';
  name: string;
  unit: string;
  digits: number;
  value: number;
  n: number;
  of: string;
}

export type Figure = StatsFigure | ValueFigure;

export interface FiguresBlock {
  version: 1;
  /** test/support/git-revision.ts's answer at the start of the run: a short hash, maybe "+ local changes". */
  commit: string;
  command: string;
  /** ISO time the run started or ended, as the report says. */
  date: string;
  figures: Figure[];
}

const OPEN = '<!-- figures';
const OPEN_LINE = `${OPEN} (written by this report's script; \`npm run docs:figures\` copies them into README.md)`;
const CLOSE = '-->';
const BLOCK_PATTERN = /<!-- figures\b[^\n]*\n([\s\S]*?)\n-->\n?/g;

/** JSON that cannot end the comment early: every '>' escaped (JSON.parse reads it back). */
const json = (value: unknown) => JSON.stringify(value).replaceAll('>', '\\u003e');

/** The block, one figure a line so a new run's diff reads figure by figure. */
export function renderFiguresBlock(block: Omit<FiguresBlock, 'version'>): string {
  const head = [`"version":1`, `"commit":${json(block.commit)}`, `"command":${json(block.command)}`, `"date":${json(block.date)}`];
  const figures = block.figures.map((f, i) => `  ${json(f)}${i < block.figures.length - 1 ? ',' : ''}`);
  return [OPEN_LINE, `{${head.join(',')},"figures":[`, ...figures, ']}', CLOSE, ''].join('\n');
}

/** The report without its block (a report that embeds another's, as the soak embeds the chaos table). */
export function stripFiguresBlock(text: string): string {
  return text.replace(BLOCK_PATTERN, '');
}

/** A report's block, null when it has none (written before its script wrote one). Throws, naming `file`, on a bad one. */
export function parseFiguresBlock(text: string, file: string): FiguresBlock | null {
  const found = [...text.matchAll(BLOCK_PATTERN)];
  if (found.length === 0) return null;
  const fix = `regenerate ${file} with its script, or remove the block`;
  if (found.length > 1) throw new Error(`${file}: ${found.length} figures blocks, expected one: ${fix}`);
  let data: unknown;
  try {
    data = JSON.parse(found[0]![1]!);
  } catch (error) {
    throw new Error(`${file}: figures block is not JSON (${(error as Error).message}): ${fix}`, { cause: error });
  }
  const problem = blockProblem(data);
  if (problem !== null) throw new Error(`${file}: figures block: ${problem}: ${fix}`);
  return data as FiguresBlock;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isNumberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

function blockProblem(data: unknown): string | null {
  if (!isObject(data)) return 'not a JSON object';
  if (data.version !== 1) return `version ${JSON.stringify(data.version)}, this script reads 1`;
  for (const key of ['commit', 'command', 'date'] as const) {
    if (typeof data[key] !== 'string' || data[key] === '') return `"${key}" is not a non-empty string`;
  }
  if (!Array.isArray(data.figures)) return '"figures" is not a list';
  for (const [i, figure] of data.figures.entries()) {
    const problem = figureProblem(figure);
    if (problem !== null) return `figures[${i}]: ${problem}`;
  }
  return null;
}

function figureProblem(f: unknown): string | null {
  if (!isObject(f)) return 'not an object';
  if (typeof f.name !== 'string' || f.name === '') return '"name" is not a non-empty string';
  if (typeof f.unit !== 'string') return `${f.name}: "unit" is not a string`;
  if (!Number.isInteger(f.digits) || (f.digits as number) < 0 || (f.digits as number) > 6) return `${f.name}: "digits" is not a whole number 0..6`;
  if (!isCount(f.n)) return `${f.name}: "n" is not a count`;
  if (typeof f.of !== 'string' || f.of === '') return `${f.name}: "of" is not a non-empty string`;
  if (f.kind === 'stats') {
    for (const key of ['median', 'p95', 'max'] as const) if (!isNumberOrNull(f[key])) return `${f.name}: "${key}" is neither a number nor null`;
    if (f.outOf !== undefined && !isCount(f.outOf)) return `${f.name}: "outOf" is not a count`;
    return null;
  }
  if (f.kind === 'value') return typeof f.value === 'number' && Number.isFinite(f.value) ? null : `${f.name}: "value" is not a number`;
  return `${f.name}: "kind" is ${JSON.stringify(f.kind)}, expected "stats" or "value"`;
}

/** A stats figure from checker.ts-style stats, scaled into `unit` (e.g. 1/1000 for ms to s). */
export function statsFigure(
  name: string,
  stats: { n: number; median: number | null; p95: number | null; max: number | null },
  shape: { unit: string; digits: number; of: string; scale?: number; outOf?: number },
): StatsFigure {
  const scale = shape.scale ?? 1;
  // Three decimals past those shown: no 0.42000000000000004 in the JSON, nothing lost that is shown.
  const at = (v: number | null) => (v === null ? null : Number((v * scale).toFixed(shape.digits + 3)));
  const outOf = shape.outOf !== undefined && shape.outOf !== stats.n ? { outOf: shape.outOf } : {};
  return { kind: 'stats', name, unit: shape.unit, digits: shape.digits, median: at(stats.median), p95: at(stats.p95), max: at(stats.max), n: stats.n, of: shape.of, ...outOf };
}

/** A count over `n` things (digits 0), or a rate with `digits`. */
export function valueFigure(name: string, value: number, n: number, of: string, unit = '', digits = 0): ValueFigure {
  return { kind: 'value', name, unit, digits, value, n, of };
}
