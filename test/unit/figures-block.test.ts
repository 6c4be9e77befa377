/**
 * A report's figures block (scripts/figures/block.ts): written and read back unchanged, safe inside an HTML
 * comment whatever the command says, and a bad block refused with the file named and what to do.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFiguresBlock, renderFiguresBlock, statsFigure, stripFiguresBlock, valueFigure, type FiguresBlock } from '../../scripts/figures/block.js';

const block: Omit<FiguresBlock, 'version'> = {
  commit: 'abc1234',
  command: 'npm run chaos -- --trials 20 --report /tmp/x.md',
  date: '2026-12-09T10:00:00.000Z',
  figures: [
    statsFigure('1. leader neard SIGKILL: lock handover', { n: 20, median: 40, p95: 90, max: 120 }, { unit: 's', digits: 2, of: 'trials', scale: 1 / 1000 }),
    statsFigure('5. Consul raft leader kill: lock handover', { n: 3, median: 3600, p95: 3630, max: 3630 }, { unit: 's', digits: 2, of: 'trials', scale: 1 / 1000, outOf: 20 }),
    statsFigure('no values', { n: 0, median: null, p95: null, max: null }, { unit: 's', digits: 2, of: 'trials', outOf: 20 }),
    valueFigure('overlaps', 0, 220, 'trials'),
  ],
};
const report = (...blocks: string[]) => `# Report\n\n| a | b |\n|---|---|\n\nResult: **PASS**\n\n${blocks.join('\n')}`;

describe('figures block', () => {
  test('written at the end of a report and read back as written, numbers scaled into the unit', () => {
    const text = report(renderFiguresBlock(block));
    assert.match(text, /\n<!-- figures \(written by this report's script; `npm run docs:figures` copies them into README.md\)\n\{"version":1,/);
    assert.ok(text.endsWith('-->\n'));
    const read = parseFiguresBlock(text, 'docs/x.md');
    assert.deepEqual(read, { version: 1, ...block });
    assert.deepEqual(read?.figures[0], { kind: 'stats', name: '1. leader neard SIGKILL: lock handover', unit: 's', digits: 2, median: 0.04, p95: 0.09, max: 0.12, n: 20, of: 'trials' });
    assert.equal(read?.figures[1]?.kind === 'stats' ? read.figures[1].outOf : 'not stats', 20);
  });

  test('one figure a line, so a new run diffs figure by figure', () => {
    const lines = renderFiguresBlock(block).split('\n');
    assert.equal(lines.filter((l) => l.startsWith('  {"kind":')).length, block.figures.length);
  });

  test("a '-->' in the command cannot end the comment early", () => {
    const tricky = { ...block, command: 'npm run soak -- --report a-->b.md' };
    const text = report(renderFiguresBlock(tricky));
    assert.equal(text.match(/-->/g)?.length, 1);
    assert.equal(parseFiguresBlock(text, 'docs/x.md')?.command, tricky.command);
  });

  test('a report without a block has none; stripping removes it and nothing else', () => {
    assert.equal(parseFiguresBlock(report(), 'docs/x.md'), null);
    assert.equal(stripFiguresBlock(report(renderFiguresBlock(block))), report());
  });

  test('a bad block is refused, naming the file, the problem and what to do', () => {
    const good = renderFiguresBlock(block);
    const cases: Array<[string, RegExp]> = [
      [report(good, good), /docs\/x\.md: 2 figures blocks, expected one: regenerate docs\/x\.md with its script/],
      [report(good.replace('{"version":1,', '{"version":1')), /docs\/x\.md: figures block is not JSON/],
      [report(good.replace('"version":1', '"version":2')), /docs\/x\.md: figures block: version 2, this script reads 1: regenerate/],
      [report(good.replace('"commit":"abc1234"', '"commit":""')), /figures block: "commit" is not a non-empty string/],
      [report(good.replace('"median":0.04', '"median":"0.04"')), /figures block: figures\[0\]: 1\. leader neard SIGKILL: lock handover: "median" is neither a number nor null/],
      [report(good.replace('"kind":"value"', '"kind":"total"')), /figures\[3\]: overlaps: "kind" is "total", expected "stats" or "value"/],
      [report(good.replace('"n":220', '"n":-1')), /figures\[3\]: overlaps: "n" is not a count/],
    ];
    for (const [text, error] of cases) assert.throws(() => parseFiguresBlock(text, 'docs/x.md'), error);
  });
});
