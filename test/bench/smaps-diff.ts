// Where did a process's RSS go between two copies of its /proc/<pid>/smaps? Sums resident kB by kind
// of mapping: V8's heap pages (anonymous, exactly 256 kB each), other anonymous mappings, malloc's
// main heap ([heap]), the node binary, other files (libraries), stacks. The soak's RSS rise was read
// this way (docs/scale.md, "Soak"): `cp /proc/<pid>/smaps early.smaps`, later again, then
// `node dist/test/bench/smaps-diff.js early.smaps late.smaps`.
import { readFileSync } from 'node:fs';

const V8_PAGE_KB = 256;
const HEADER = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/;

/** The kind of a mapping from its size and name, as this file's header says. */
export function mappingKind(sizeKb: number, name: string): string {
  if (name === '[heap]') return 'malloc main heap ([heap])';
  if (name.startsWith('[stack')) return 'stack';
  if (name.startsWith('[')) return 'kernel ([vdso], [vvar], ...)';
  if (/\/node$/.test(name)) return 'node binary';
  if (name.startsWith('/')) return 'other files (libraries)';
  return sizeKb === V8_PAGE_KB ? 'V8 heap pages (256 kB anonymous)' : 'other anonymous (JIT code, arenas, buffers)';
}

/** Resident kB by kind of mapping, from the text of a smaps file. */
export function residentByKind(smaps: string): Map<string, number> {
  const totals = new Map<string, number>();
  let kind: string | null = null;
  for (const line of smaps.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      kind = mappingKind((parseInt(header[2]!, 16) - parseInt(header[1]!, 16)) / 1024, header[3]!.trim());
    } else if (kind !== null && line.startsWith('Rss:')) {
      totals.set(kind, (totals.get(kind) ?? 0) + Number(line.split(/\s+/)[1]));
    }
  }
  return totals;
}

function main(files: string[]): void {
  if (files.length !== 2) {
    process.stderr.write('usage: smaps-diff <early smaps copy> <late smaps copy>\n');
    process.exit(2);
  }
  const [before, after] = files.map((file) => residentByKind(readFileSync(file, 'utf8'))) as [Map<string, number>, Map<string, number>];
  const kinds = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => (after.get(b) ?? 0) - (after.get(a) ?? 0));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const row = (kind: string, b: number, a: number) => `| ${kind} | ${b} | ${a} | ${a - b >= 0 ? '+' : ''}${a - b} |`;
  const lines = ['| mapping kind | resident kB before | after | change |', '|---|---|---|---|', ...kinds.map((k) => row(k, before.get(k) ?? 0, after.get(k) ?? 0)), row('**total**', sum(before), sum(after))];
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
