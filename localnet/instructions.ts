/** What the localnet tells the operator: which neard, the commands, where to look, how to fail over. */
import { VALIDATORS } from './homes.js';
import type { Managed } from './runner.js';
import type { Plan } from './plan.js';
import { fromRepo } from './paths.js';
import { commandBlock } from './shell.js';

export function kuutamoctlCommand(plan: Plan, command = 'active-validator'): string {
  return `KUUTAMO_ACCOUNT_ID=${plan.accountId} bin/kuutamoctl.js --consul-url ${plan.consulUrl} ${command}`;
}

/**
 * The pool's maintenance windows on the localnet, in blocks: its account is one of VALIDATORS.length genesis
 * validators taking turns (the stand-in's schedule; a real localnet samples by equal stakes alike), so it
 * produces every VALIDATORS.length-th height and the runs between are this long. Shorter than
 * `switchover`'s and a leader `restart`'s default of 10, which are refused here without it.
 */
export const LOCALNET_WINDOW_BLOCKS = VALIDATORS.length - 1;

/** `LOCALNET_DATA_DIR=...` for commands run outside the runner when the data dir is not the default. */
const dataDirEnv = (plan: Plan): string => (fromRepo(plan.dataDir) === '.data' ? '' : `LOCALNET_DATA_DIR=${plan.dataDir} `);

export function headerText(plan: Plan): string {
  return `neard: ${plan.neard.reason}\nlocalnet data: ${plan.dataDir}`;
}

/** After `setup`: every command of the Procfile, in full, as the tutorial shows them. */
export function setupText(plan: Plan): string {
  const dataEnv = dataDirEnv(plan);
  return [
    `neard: ${plan.neard.reason}`,
    `localnet data: ${plan.dataDir} (plan: ${fromRepo(plan.dataDir)}/localnet.json)`,
    '',
    'Run everything:            npm start' + (dataEnv ? ` -- --data-dir ${plan.dataDir}` : ''),
    `or with a Procfile runner: ${dataEnv}npx foreman start   (or hivemind, honcho, overmind)`,
    'or each process by hand (from the repository root), one per terminal:',
    '',
    ...plan.processes.map((p) => `# ${p.name}\n${commandBlock(p.argv, p.env)}\n`),
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
      '',
      `Planned operations (the pool's account ${plan.accountId} produces every ${VALIDATORS.length}th height, so its maintenance windows are ${LOCALNET_WINDOW_BLOCKS} blocks long):`,
      `  ${kuutamoctlCommand(plan, 'list')}`,
      `  KUUTAMO_NEARD_HOME=${first.home} bin/kuutamoctl.js switchover --minimum-length ${LOCALNET_WINDOW_BLOCKS} --wait   # or --now --wait`,
      `  KUUTAMO_NEARD_HOME=${second.home} bin/kuutamoctl.js restart ${LOCALNET_WINDOW_BLOCKS} --wait   # on the validator's home: a switchover first`,
    );
    if (plan.neard.kind === 'standin') {
      const fault = `${dataDirEnv(plan)}npm run localnet:fault --`;
      lines.push(
        '',
        'Gray failures (the neard stand-in): the validating machine keeps running and looks healthy, but the chain gets nothing from it.',
        'Put it into one and watch the pool hand over (kuutamoctl list above):',
        `  ${fault} validator isolated   # cut off from its peers: head frozen, 0 peers, /status still "not syncing"`,
        `  ${fault} validator mute       # head and peers fine, nothing it produces arrives`,
        `  ${fault} validator flaky      # one duty in ten lost, never two in a row: no reason to hand over`,
        `  ${fault} chain stall          # the whole chain halts: no reason to hand over either`,
        `  ${fault} ${first.name} none       # lift a machine's fault (the fault stays with the machine, not the role); chain none: it runs again`,
      );
    }
  }
  lines.push('================================================', '');
  return lines.join('\n');
}
