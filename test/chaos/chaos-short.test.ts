/**
 * CI version of the chaos harness (docs/chaos.md): every failover fault once (the quick ones twice) on a real
 * 3-server Consul cluster with a client agent per daemon; no two validators at any instant, and a
 * validator back within the bound after each fault. The three mid-handover faults (issue 8) add about a
 * minute (one switchover each; the Consul cut holds 22 s). One gray failure (issue 17), a mute leader moved by
 * the standby's production check, adds about 30 s (the daemons restart with the production flags first). The
 * long runs are `npm run chaos -- --trials 20` and `npm run chaos -- --faults gray --daemons 3 --trials 20`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failures, renderReport } from './report.js';
import { FAILOVER_FAULT_IDS, runChaos } from './runner.js';

test('chaos (short): 0 overlaps and recovery after every fault', { timeout: 6 * 60_000 }, async () => {
  const summary = await runChaos({
    command: 'node --test dist/test/chaos/chaos-short.test.js',
    trials: 1,
    quickTrials: 2,
    daemons: 2,
    faults: [...FAILOVER_FAULT_IDS, 'gray-mute-leader'],
    idleSeconds: 0,
    idleDefaultSeconds: 0,
    log: (line) => console.log(line),
  });
  console.log(renderReport(summary));
  assert.equal(summary.overlaps.length, 0, 'two validators at the same instant');
  assert.deepEqual(failures(summary), []);
  assert.equal(summary.trials.length, 4 * 2 + (FAILOVER_FAULT_IDS.length - 4) + 1);
});
