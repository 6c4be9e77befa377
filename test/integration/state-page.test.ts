/**
 * The live state page in a real headless browser (Debian's chromium driven by playwright-core) against
 * a real daemon on a real Consul. The chart must be readable (every state of the machine drawn, substates
 * inside their parent's box, no label over another) and must follow the daemon: the current state and
 * the arrow of the last transition are highlighted, and both highlights move when neard is killed under
 * the daemon, without a reload. The pool table lists every node of a two-node pool and marks the lock
 * holder, with each node's production; the facts show this node's and the check after its takeover. The
 * timeline lists the pool's changes of validator, newest first. Screenshots: /tmp/livechart.png
 * (Validating) and the temp dir (after the kill).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { failoverMachine } from '../../machines/failover.js';
import { chartGraph, type ChartGraph } from '../../src/chart/chart-graph.js';
import type { StateView } from '../../src/state-view.js';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { createNodeHome, createPoolKeys, startKuutamod, type Kuutamod, type PoolKeys } from '../support/kuutamod.js';
import { untilValue } from '../support/until.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOT = '/tmp/livechart.png';

let dir: string;
let consul: ConsulServer;
let daemon: Kuutamod;
let pool: PoolKeys;
const others: Kuutamod[] = [];
let browser: BrowserContext;
let page: Page;
const graph: ChartGraph = chartGraph(failoverMachine);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kuutamod-ui-'));
  consul = await startConsulServer();
  pool = createPoolKeys(dir);
  const node = await createNodeHome(dir, 'node0', pool);
  daemon = await startKuutamod({ consulUrl: consul.url, nodeId: 'node0', pool, node });
  // A fresh profile for every run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1440, height: 860 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

after(async () => {
  await browser?.close();
  await Promise.all(others.map((other) => other.stop()));
  await daemon?.stop();
  await consul?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What the page shows, read in one synchronous step so header, table and chart belong to one render. */
interface Shown {
  state: string;
  detail: string;
  /** Newest row of the transitions table. */
  last: { from: string; to: string; cause: string } | null;
  current: string[];
  active: string[];
  /** Highlighted arrows, each with the events of the transitions it stands for. */
  recent: Array<{ id: string; events: string[]; target: string }>;
}

// Browser-side code as expressions: the project's Node build has no DOM library.
const SHOWN = `(() => {
  const cells = [...(document.querySelector('#transitions tbody tr')?.children ?? [])].map((td) => td.textContent);
  const ids = (selector) => [...document.querySelectorAll(selector)].map((g) => g.dataset.id);
  return {
    state: document.body.dataset.state,
    detail: document.body.dataset.detail,
    last: cells.length === 4 ? { from: cells[1], to: cells[2], cause: cells[3] } : null,
    current: ids('#chart .state.current'),
    active: ids('#chart .state.active'),
    recent: [...document.querySelectorAll('#chart .edge.recent')].map((g) => ({ id: g.dataset.id, events: g.dataset.events.split(' '), target: g.dataset.target })),
  };
})()`;
const shown = async () => await page.evaluate<Shown>(SHOWN);

const FACTS = `({
  state: document.body.dataset.state,
  pid: document.getElementById('fact-neard-pid')?.textContent,
  mode: document.getElementById('fact-neard-mode')?.textContent,
  session: document.getElementById('fact-session')?.textContent,
})`;

/** Every pair of labels whose boxes intersect, and every edge label lying on a state's box. */
const OVERLAPS = `(() => {
  const box = (element) => { const r = element.getBoundingClientRect(); return { name: element.textContent, l: r.left, t: r.top, r: r.right, b: r.bottom }; };
  const meets = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
  const labels = [...document.querySelectorAll('#chart text.state-label, #chart text.edge-label')].map(box);
  const edgeLabels = [...document.querySelectorAll('#chart text.edge-label')].map(box);
  const states = [...document.querySelectorAll('#chart .state:not(.compound) > rect.box')].map((rect) => ({ ...box(rect), name: rect.parentElement.dataset.id }));
  const hits = [];
  labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => { if (meets(a, b)) hits.push(a.name + ' / ' + b.name); }));
  edgeLabels.forEach((a) => states.forEach((s) => { if (meets(a, s)) hits.push(a.name + ' on ' + s.name); }));
  return { labels: labels.length, edgeLabels: edgeLabels.length, hits };
})()`;

/** Every state drawn inside its parent's box: the hierarchy is visible. */
const ESCAPES = `(() => {
  const rects = new Map([...document.querySelectorAll('#chart .state')].map((g) => [g.dataset.id, g.querySelector('rect.box').getBBox()]));
  const graph = ${JSON.stringify(graph.nodes.map((n) => ({ id: n.id, parent: n.parent })))};
  return graph.filter((n) => n.parent !== null).filter((n) => {
    const c = rects.get(n.id), p = rects.get(n.parent);
    return !c || !p || c.x < p.x || c.y < p.y || c.x + c.width > p.x + p.width || c.y + c.height > p.y + p.height;
  }).map((n) => n.id);
})()`;

/** The id of a state as the page names it: a path below the machine, or a name at any depth. */
function stateId(name: string): string {
  const exact = graph.nodes.find((n) => n.id === `${graph.machineId}.${name}`);
  const found = exact ?? graph.nodes.find((n) => n.id.endsWith(`.${name}`));
  assert.ok(found, `the chart has no state ${name}`);
  return found.id;
}
const isWithin = (id: string, ancestor: string) => id === ancestor || id.startsWith(`${ancestor}.`);

/** The chart highlights exactly what the header and the newest table row say. */
function assertHighlightMatches(s: Shown): void {
  const current = stateId(s.detail || s.state);
  assert.deepEqual(s.current, [current], 'the current state is highlighted');
  const ancestors = graph.nodes.filter((n) => isWithin(current, n.id)).map((n) => n.id);
  assert.deepEqual([...s.active].sort(), ancestors.sort(), 'the current state and its parents are marked active');
  assert.ok(s.last, 'a transition is listed');
  assert.ok(s.recent.length > 0, `an arrow is highlighted for ${JSON.stringify(s.last)}`);
  for (const edge of s.recent) {
    assert.ok(edge.events.includes(s.last.cause), `highlighted arrow ${edge.id} (${edge.events.join(', ')}) carries ${s.last.cause}`);
    assert.ok(isWithin(edge.target, stateId(s.last.to)), `highlighted arrow ${edge.id} leads into ${s.last.to}`);
  }
}

/**
 * Waits until the daemon's /state matches `predicate` and the page shows that same view (state, neard
 * pid and mode, session). Polled as a pair: on a loaded machine the daemon can move on (a restarted
 * neard has a new pid) between reading /state and the page catching up.
 */
async function pageAgreesWithDaemon(predicate: (view: StateView) => boolean, timeoutMs: number): Promise<StateView> {
  let last = '';
  return untilValue(
    'the page to catch up with the daemon',
    async () => {
      const facts = await page.evaluate<Record<string, string>>(FACTS);
      const view = await daemon.state();
      last = `page ${JSON.stringify(facts)}, daemon ${JSON.stringify({ state: view.state, pid: view.neardPid, mode: view.neardMode, session: view.sessionId })}`;
      const agree =
        facts.state === view.state && facts.pid === String(view.neardPid) && facts.mode === view.neardMode && facts.session === view.sessionId;
      return predicate(view) && agree ? view : undefined;
    },
    { timeoutMs, intervalMs: 100, detail: () => last },
  );
}

async function assertReadable(): Promise<void> {
  const overlaps = await page.evaluate<{ labels: number; edgeLabels: number; hits: string[] }>(OVERLAPS);
  assert.deepEqual(overlaps.hits, [], 'no label overlaps another label or a state');
  // Transitions between the same two states share one arrow and one label.
  const arrows = new Set(graph.edges.filter((e) => e.target !== null).map((e) => `${e.source}>${e.target}`)).size;
  assert.equal(overlaps.edgeLabels, arrows, 'every state-changing transition has its labelled arrow');
  assert.deepEqual(await page.evaluate(ESCAPES), [], 'every substate lies inside its parent state');
}

test('the page draws the chart from the machine and highlights the live state and last transition', async () => {
  // startKuutamod returns once the process is spawned: wait until its HTTP server answers.
  // (What /ui/chart.json and the elkjs route answer is test/unit/ui-routes.test.ts, through inject.)
  await daemon.waitFor(() => true, 'the daemon answers /state');

  await page.goto(`${daemon.url}/ui`);
  await page.evaluate('window.loadedOnce = true');
  await page.locator('#chart[data-laid-out="true"]').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#chart .state').count(), graph.nodes.length, 'every state at every depth is drawn');
  await page.locator('#connection.live').waitFor({ timeout: 10_000 });
  await assertReadable();

  // Validating, and neard restarted with the validator key (until then the voter neard is being stopped).
  const view = await pageAgreesWithDaemon((v) => v.state === 'Validating' && v.neardMode === 'validator', 60_000);
  assert.equal(await page.locator('#fact-holds-lock').textContent(), 'yes');
  assert.ok(view.sessionId);
  const validating = await shown();
  assert.equal(validating.state, 'Validating');
  assert.equal(validating.last?.cause, 'LOCK_ACQUIRED');
  assertHighlightMatches(validating);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Kill the validating neard under the daemon: both highlights move, without a reload. The pid is read
  // again just before: on a loaded machine the daemon may have restarted neard since (a step-down).
  const target = await daemon.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'validator neard', 60_000);
  process.kill(target.neardPid!, 'SIGKILL');
  await page.waitForFunction(
    `(() => { const s = ${SHOWN}; return s.state !== 'Validating' && s.current[0] !== ${JSON.stringify(validating.current[0])}
      && s.recent.length > 0 && !s.recent.some((e) => e.id === ${JSON.stringify(validating.recent[0]?.id)}); })()`,
    undefined,
    { timeout: 30_000 },
  );
  assertHighlightMatches(await shown());
  await page.waitForFunction(
    `[...document.querySelectorAll('#transitions tbody td:nth-child(4)')].some((td) => td.textContent === 'NEARD_EXITED')`,
    undefined,
    { timeout: 10_000 },
  );
  await assertReadable();
  await page.screenshot({ path: join(tmpdir(), 'livechart-after-kill.png'), fullPage: true });

  // ...and back to Validating, still the same page.
  await page.waitForFunction(`document.body.dataset.state === 'Validating'`, undefined, { timeout: 60_000 });
  assertHighlightMatches(await shown());
  assert.equal(await page.evaluate('window.loadedOnce'), true, 'the page was not reloaded');
});

/** The pool table as the page shows it: per row its node, lock and state cells and whether it is marked the lock holder. */
const POOL_ROWS = `[...document.querySelectorAll('#pool tbody tr')].map((tr) => ({
  node: tr.dataset.node,
  holdsLock: tr.classList.contains('holds-lock'),
  lock: tr.querySelector('td[data-column="lock"]')?.textContent,
  state: tr.querySelector('td[data-column="state"]')?.textContent,
}))`;

test('the pool table shows both nodes of a two-node pool, live, the lock holder marked', async () => {
  const node = await createNodeHome(dir, 'node1', pool);
  const standby = await startKuutamod({ consulUrl: consul.url, nodeId: 'node1', pool, node });
  others.push(standby);
  await standby.waitForState('Voting', 60_000);
  await daemon.waitForState('Validating', 60_000);
  // The same page as before, never reloaded: the table follows the pool by itself.
  await page.waitForFunction(
    `(() => { const rows = ${POOL_ROWS};
      return rows.length === 2 && rows[0].node === 'node0' && rows[0].holdsLock && rows[0].lock === 'yes' && rows[0].state.startsWith('Validating')
        && rows[1].node === 'node1' && !rows[1].holdsLock && rows[1].lock === 'no' && rows[1].state.startsWith('Voting'); })()`,
    undefined,
    { timeout: 30_000 },
  );
  const headers = await page.locator('#pool thead th').allTextContents();
  assert.deepEqual(headers, ['node', 'state', 'lock', 'head', 'lag', 'renewed', 'kuutamod', 'neard', 'eligible', 'hotswap', 'production', 'published']);
  // Production (issue 17): the leader's own health; the standby judges nothing within --production-grace of
  // first seeing the leader. Its record carries the verdict from its next publish on.
  await page.waitForFunction(
    `(() => { const cells = [...document.querySelectorAll('#pool tbody td[data-column="production"]')].map((td) => td.textContent);
      return cells.length === 2 && ['producing', 'checking'].includes(cells[0]) && cells[1] === 'cannot judge: in grace'; })()`,
    undefined,
    { timeout: 30_000 },
  );
  // This node's own: the check after its latest takeover, and its health beside the other facts.
  await page.waitForFunction(`/^validating and producing: block #\\d+ \\(/.test(document.getElementById('fact-takeover-check')?.textContent ?? '')`, undefined, { timeout: 30_000 });
  assert.match((await page.locator('#fact-production').textContent()) ?? '', /^(producing|checking: )/);
  assert.equal(await page.locator('#fact-production-counts').textContent(), 'readable');
  assert.equal(await page.evaluate('window.loadedOnce'), true, 'the page was not reloaded');
  await page.screenshot({ path: join(tmpdir(), 'livechart-pool.png'), fullPage: true });
});

/** The timeline of validator changes as the page shows it, newest first: per row its reason and from/to cells. */
const TIMELINE_ROWS = `[...document.querySelectorAll('#timeline tbody tr')].map((tr) => ({
  reason: tr.dataset.reason,
  from: tr.querySelector('td[data-column="from"]')?.textContent,
  to: tr.querySelector('td[data-column="to"]')?.textContent,
  unplanned: tr.classList.contains('unplanned'),
}))`;

test("the timeline lists the pool's changes of validator, newest first: the first start, then the crash node0 recovered from", async () => {
  // node0 validated first, then its neard was killed (above) and node0 took the role again: one change each.
  await page.waitForFunction(
    `(() => { const rows = ${TIMELINE_ROWS};
      return rows.length === 2 && rows[0].reason === 'crash' && rows[0].from === 'node0' && rows[0].to === 'node0' && rows[0].unplanned
        && rows[1].reason === 'first start' && rows[1].from === '-' && rows[1].to === 'node0' && !rows[1].unplanned; })()`,
    undefined,
    { timeout: 30_000 },
  );
  assert.deepEqual(await page.locator('#timeline thead th').allTextContents(), ['time', 'from', 'to', 'reason', 'by', 'detail']);
  assert.equal(await page.evaluate('window.loadedOnce'), true, 'the page was not reloaded');
  await page.screenshot({ path: join(tmpdir(), 'livechart-timeline.png') });
});
