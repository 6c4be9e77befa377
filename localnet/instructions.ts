/** What the localnet tells the operator: which neard, the commands, where to look, how to fail over. */
import type { Managed } from './runner.js';
import type { Plan } from './plan.js';
import { fromRepo } from './paths.js';
import { commandBlock } from './shell.js';

export function kuutamoctlCommand(plan: Plan): string {
  return `KUUTAMO_ACCOUNT_ID=${plan.accountId} bin/kuutamoctl.js --consul-url ${plan.consulUrl} active-validator`;
}

export function headerText(plan: Plan): string {
  return `neard: ${plan.neard.reason}\nlocalnet data: ${plan.dataDir}`;
}

/** After `setup`: every command of the Procfile, in full, as the tutorial shows them. */
export function setupText(plan: Plan): string {
  const dataEnv = fromRepo(plan.dataDir) === '.data' ? '' : `LOCALNET_DATA_DIR=${plan.dataDir} `;
  return [
    `neard: ${plan.neard.reason}`,
    `localnet data: ${plan.dataDir} (plan: ${fromRepo(plan.dataDir)}/localnet.json)`,
    '',
    'Run everything:            npm start' + (dataEnv ? ` -- --data-dir ${plan.dataDir}` : ''),
    `or with a Procfile runner: ${dataEnv}npx foreman start   (or hivemind, honcho, overmind)`,
    'or each process by hand (from the repository root), one per terminal:',
    '',
    ...plan.processes.map((p) => `# ${p.name}\n${commandBlock(p.argv)}\n`),
    `Then: ${kuutamoctlCommand(plan)}`,
  ].join('\n');
}

/** After `start`: URLs, pids, and how to trigger a failover. */
export function lookText(plan: Plan, processes: readonly Managed[]): string {
  const pid = (name: string): string => String(processes.find((p) => p.name === name)?.pid ?? '?');
  const [first, second] = plan.kuutamods;
  const lines = [
    '',
    '================ localnet is up ================',
    `neard:  ${plan.neard.reason}`,
    `data:   ${plan.dataDir}   (logs in ${fromRepo(plan.dataDir)}/logs/)`,
    `consul: ${plan.consulUrl}/ui   (pid ${pid('consul')})`,
    ...plan.kuutamods.map((k) => `${k.name}: ${k.exporterUrl}/ui (live state page)  /metrics  /state   (pid ${pid(k.name)}, neard home ${k.home})`),
    ...plan.processes.filter((p) => p.role === 'neard').map((p) => `${p.name}: neard pid ${pid(p.name)}`),
    '',
    'Who validates:',
    `  ${kuutamoctlCommand(plan)}`,
    ...plan.kuutamods.map((k) => `  curl -s ${k.exporterUrl}/metrics | grep 'kuutamod_state.* 1$'`),
  ];
  if (first && second) {
    lines.push(
      '',
      `Trigger a failover: stop the instance that validates (the "watch" lines show which), e.g. ${first.name}:`,
      `  kill ${pid(first.name)}      # SIGTERM: it stops neard, then releases the lock; ${second.name} takes it at once and validates within a second or so`,
      `  kill -9 ${pid(first.name)}   # crash: its neard guard stops neard and destroys the session just as fast; the TTL is only the fallback`,
      'The stopped instance stays stopped; Ctrl-C stops everything (npm start again restarts it all).',
    );
  }
  lines.push('================================================', '');
  return lines.join('\n');
}
