/**
 * The daemon's one logger. pino JSON lines by default; `logfmt` prints lines shaped like Rust kuutamod's:
 *   level=info pid=123 message="state changed: Voting -> Validating" target="kuutamod::supervisor" node_id=node0
 */
import { pino, type Logger } from 'pino';
import type { LogFormat } from './settings.js';

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SKIPPED_FIELDS = new Set(['level', 'pid', 'msg', 'target', 'node_id', 'time', 'hostname']);

function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[\w.:/@-]+$/.test(text) ? text : JSON.stringify(text);
}

/** A record's message or target as text: pino writes strings there, anything else is shown as JSON. */
const textOf = (value: unknown, fallback: string): string =>
  value === undefined || value === null ? fallback : typeof value === 'string' ? value : JSON.stringify(value);

/** One pino JSON record as one logfmt line. */
export function toLogfmt(record: Record<string, unknown>): string {
  const level = LEVEL_NAMES[record.level as number] ?? String(record.level);
  const parts = [`level=${level}`, `pid=${String(record.pid)}`, `message=${JSON.stringify(textOf(record.msg, ''))}`];
  parts.push(`target=${JSON.stringify(textOf(record.target, 'kuutamod'))}`, `node_id=${logfmtValue(record.node_id)}`);
  for (const [key, value] of Object.entries(record)) {
    if (!SKIPPED_FIELDS.has(key) && value !== undefined) parts.push(`${key}=${logfmtValue(value)}`);
  }
  return parts.join(' ');
}

export function createLogger(nodeId: string, format: LogFormat, level = process.env.KUUTAMO_LOG_LEVEL ?? 'info'): Logger {
  const base = { pid: process.pid, node_id: nodeId };
  if (format === 'json') return pino({ level, base }, pino.destination({ fd: 1, sync: true }));
  const out = pino.destination({ fd: 1, sync: true });
  const stream = { write: (line: string) => out.write(`${toLogfmt(JSON.parse(line) as Record<string, unknown>)}\n`) };
  return pino({ level, base }, stream);
}
