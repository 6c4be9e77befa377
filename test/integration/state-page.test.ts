/**
 * The live state page in a real headless browser (Debian's chromium driven by playwright-core) against
 * a real daemon on a real Consul: it shows the current state, and follows the daemon without a reload
 * when neard is killed under it. Screenshots go to the temp dir for a human to look at.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { FAILOVER_STATES, failoverMachine } from '../../machines/failover.js';
import { chartGraph } from '../../src/chart/chart-graph.js';
import { startConsulServer, type ConsulServer } from '../support/consul.js';
import { createNodeHome, createPoolKeys, startKuutamod, type Kuutamod } from '../support/kuutamod.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let dir: string;
let consul: ConsulServer;
let daemon: Kuutamod;
let browser: BrowserContext;
let page: Page;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kuutamod-ui-'));
  consul = await startConsulServer();
  const pool = createPoolKeys(dir);
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
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  await consul?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const shownState = () => page.locator('#state').textContent();
// Browser-side code as expressions: the project compiles without the DOM library.
const waitForShown = (state: string, timeout = 30_000) =>
  page.waitForFunction(`document.body.dataset.state === ${JSON.stringify(state)}`, undefined, { timeout });

test('the page draws the chart from the machine and shows the state live', async () => {
  const served = (await (await fetch(`${daemon.url}/ui/chart.json`)).json()) as unknown;
  assert.deepEqual(served, JSON.parse(JSON.stringify(chartGraph(failoverMachine))), '/ui/chart.json is the machine itself');

  await page.goto(`${daemon.url}/ui`);
  await page.evaluate('window.loadedOnce = true');
  // One box per kuutamod state: the chart's grouping states are not drawn.
  assert.equal(await page.locator('svg .state').count(), FAILOVER_STATES.length);
  await page.locator('#connection.live').waitFor({ timeout: 10_000 });

  // Validating, and neard restarted with the validator key (until then the voter neard is being stopped).
  const view = await daemon.waitFor((v) => v.state === 'Validating' && v.neardMode === 'validator', 'validator neard', 60_000);
  await page.waitForFunction(`document.getElementById('fact-neard-pid')?.textContent === ${JSON.stringify(String(view.neardPid))}`, undefined, { timeout: 10_000 });
  assert.equal(await shownState(), 'Validating');
  assert.equal(await page.locator('#fact-neard-mode').textContent(), 'validator');
  assert.equal(await page.locator('svg .state.active').getAttribute('data-id'), 'failover.NeardUp.InSession.Validating');
  assert.equal(await page.locator('svg .substate.active').getAttribute('data-id'), 'failover.NeardUp.InSession.Validating.Leased');
  assert.equal(await page.locator('#fact-holds-lock').textContent(), 'yes');
  assert.ok(view.sessionId);
  assert.equal(await page.locator('#fact-session').textContent(), view.sessionId);
  const causes = await page.locator('#transitions tbody td:nth-child(4)').allTextContents();
  assert.ok(causes.includes('LOCK_ACQUIRED'), `transitions shown: ${causes.join(', ')}`);
  await page.screenshot({ path: join(tmpdir(), 'kuutamod-ui-validating.png'), fullPage: true });

  // Kill the validating neard under the daemon: the page must follow without a reload.
  process.kill(view.neardPid!, 'SIGKILL');
  await page.waitForFunction(`document.body.dataset.state !== 'Validating'`, undefined, { timeout: 20_000 });
  const shown = await shownState();
  assert.notEqual(shown, 'Validating');
  await page.waitForFunction(
    `[...document.querySelectorAll('#transitions tbody td:nth-child(4)')].some((td) => td.textContent === 'NEARD_EXITED')`,
    undefined,
    { timeout: 10_000 },
  );
  await page.screenshot({ path: join(tmpdir(), 'kuutamod-ui-after-kill.png'), fullPage: true });

  // ...and back to Validating, still the same page.
  await waitForShown('Validating', 60_000);
  assert.equal(await page.evaluate('window.loadedOnce'), true, 'the page was not reloaded');
});
