/** `localnet:setup`: Consul installed, neard chosen, homes created (once), ports checked, plan written. */
import { mkdirSync } from 'node:fs';
import { ensureConsul } from './consul.js';
import { ensureHomes } from './homes.js';
import { chooseNeard } from './neard-choice.js';
import { buildPlan, savePlan, type Plan } from './plan.js';
import type { Layout } from './paths.js';
import { assertNotRunning } from './running.js';

export async function setupLocalnet(l: Layout, log: (line: string) => void, preferWellKnownPorts = true): Promise<Plan> {
  assertNotRunning(l);
  mkdirSync(l.dataDir, { recursive: true });
  const consulBin = ensureConsul();
  const neard = chooseNeard();
  if (ensureHomes(l, neard)) log(`created neard homes node0..node3, kuutamod0, kuutamod1 in ${l.localnetDir}`);
  const plan = await buildPlan(l, neard, consulBin, preferWellKnownPorts);
  savePlan(l, plan);
  return plan;
}
