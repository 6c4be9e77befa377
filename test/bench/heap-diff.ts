// Which objects grew between two V8 heap snapshots of one process (the soak's --heap-snapshots)?
// Groups every heap node by type and constructor name (strings and arrays by type alone, as their
// names are their contents; V8's code objects by kind: bytecode, deopt data, code of one function...)
// and prints the groups whose total size grew most, with counts. Growth in code kinds alone is the JIT
// at work (functions optimised, bytecode flushed), bounded by the program; growth in objects is a leak.
// `node dist/test/bench/heap-diff.js early.heapsnapshot late.heapsnapshot [--top 25]`
import { readFileSync } from 'node:fs';

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface Group {
  count: number;
  bytes: number;
}

/** Types whose node name is content (a string's text, a script's source), not a kind: grouped by type alone. */
const BY_TYPE_ONLY = new Set(['string', 'concatenated string', 'sliced string', 'number', 'hidden', 'array', 'regexp', 'bigint']);

/** A code object's kind: its name, with the function of `(code for f)` left out. */
function codeKind(name: string): string {
  return name.startsWith('(code for ') ? '(code for a function)' : name === '' ? '(unnamed)' : name;
}

/** Total self size and count per "type: name" of a parsed snapshot. */
export function groupSnapshot(file: HeapSnapshotFile): Map<string, Group> {
  const fields = file.snapshot.meta.node_fields;
  const types = file.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => {
    const index = fields.indexOf(field);
    if (index < 0) throw new Error(`heap snapshot has no node field "${field}"`);
    return index;
  }) as [number, number, number];
  const groups = new Map<string, Group>();
  for (let at = 0; at < file.nodes.length; at += fields.length) {
    const type = types[file.nodes[at + typeAt]!] ?? 'unknown';
    const name = file.strings[file.nodes[at + nameAt]!] ?? '';
    const key = BY_TYPE_ONLY.has(type) ? `(${type})` : type === 'code' ? `code: ${codeKind(name)}` : `${type}: ${name}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += file.nodes[at + sizeAt]!;
    groups.set(key, group);
  }
  return groups;
}

export interface GroupChange {
  key: string;
  before: Group;
  after: Group;
}

/** Groups ordered by growth in bytes, largest first. */
export function diffGroups(before: Map<string, Group>, after: Map<string, Group>): GroupChange[] {
  const none = { count: 0, bytes: 0 };
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((key) => ({ key, before: before.get(key) ?? none, after: after.get(key) ?? none }))
    .sort((a, b) => b.after.bytes - b.before.bytes - (a.after.bytes - a.before.bytes));
}

const total = (groups: Map<string, Group>) => [...groups.values()].reduce((sum, g) => ({ count: sum.count + g.count, bytes: sum.bytes + g.bytes }), { count: 0, bytes: 0 });
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function main(argv: string[]): void {
  const topAt = argv.indexOf('--top');
  const top = topAt >= 0 ? Number(argv[topAt + 1]) : 25;
  const files = argv.filter((arg, i) => !arg.startsWith('--') && (topAt < 0 || i !== topAt + 1));
  if (files.length !== 2 || !(top > 0)) {
    process.stderr.write('usage: heap-diff <early.heapsnapshot> <late.heapsnapshot> [--top N]\n');
    process.exit(2);
  }
  const [before, after] = files.map((path) => groupSnapshot(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotFile)) as [Map<string, Group>, Map<string, Group>];
  const [b, a] = [total(before), total(after)];
  const lines = [
    `heap: ${kb(b.bytes)} KB in ${b.count} objects -> ${kb(a.bytes)} KB in ${a.count} objects (${a.bytes >= b.bytes ? '+' : ''}${kb(a.bytes - b.bytes)} KB)`,
    '',
    '| group | count before → after | KB before → after | KB grown |',
    '|---|---|---|---|',
    ...diffGroups(before, after)
      .slice(0, top)
      .map((c) => `| ${c.key.replaceAll('|', '\\|').slice(0, 80)} | ${c.before.count} → ${c.after.count} | ${kb(c.before.bytes)} → ${kb(c.after.bytes)} | ${kb(c.after.bytes - c.before.bytes)} |`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
