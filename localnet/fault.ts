/**
 * `localnet fault TARGET FAULT` (npm run localnet:fault -- TARGET FAULT): put a machine of the localnet into a
 * gray failure, or halt the whole chain, through the neard stand-in's own `standin-fault` subcommand
 * (localnet/neard/README.md, "Faults"). It writes to the fault file beside the localnet's shared validator
 * log, so every stand-in (node0..node2 and the kuutamods' neards) sees it in its next answer.
 *   TARGET  node0 | node1 | node2 | kuutamod0 | kuutamod1 (that machine's neard home), validator (the
 *           kuutamod that validates now), chain
 *   FAULT   isolated | mute | flaky | none for a machine; stall | none (or run) for the chain
 * A fault belongs to the machine: it stays when kuutamod restarts that neard or hands the role over.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHAIN_STATES, NODE_FAULTS, parseFaultRecords } from './neard/fault-records.js';
import { FaultTimeline } from './neard/fault-timeline.js';
import { KUUTAMODS, RUNNING_NODES } from './homes.js';
import { REPO_ROOT, type Layout } from './paths.js';
import type { Plan } from './plan.js';
import { fetchState } from './watch.js';

export const MACHINES: readonly string[] = [...RUNNING_NODES, ...KUUTAMODS];
export const FAULT_TARGETS: readonly string[] = [...MACHINES, 'validator', 'chain'];
const CHAIN_FAULTS = ['stall', 'none', 'run'] as const;

/** Bad TARGET or FAULT: the command line was wrong (exit 2), nothing was written. */
export class FaultUsageError extends Error {}

/** The absolute neard home of a machine of the localnet. */
function homeOf(l: Layout, plan: Plan, machine: string): string {
  const kuutamod = plan.kuutamods.find((k) => k.name === machine);
  return resolve(REPO_ROOT, kuutamod?.home ?? l.home(machine));
}

function standinFault(plan: Plan, validatorLog: string, args: string[]): string {
  const result = spawnSync(plan.neard.bin, args, {
    cwd: REPO_ROOT, // the plan's paths are relative to the repository, as for every localnet process
    encoding: 'utf8',
    env: { ...process.env, NEARD_STANDIN_VALIDATOR_LOG: validatorLog },
  });
  if (result.status !== 0) {
    throw new Error(`'${plan.neard.bin} ${args.join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

/** The stand-in's validator log of this localnet, or why there is none (a real neard has no faults to switch). */
function validatorLogOf(plan: Plan): string {
  // A plan written before faults existed has no validatorLog at all.
  if (plan.neard.kind !== 'standin' || !plan.validatorLog) {
    throw new Error(`faults are a feature of the neard stand-in, and this localnet runs ${plan.neard.reason}` +
      (plan.neard.kind === 'standin' ? ' (its plan predates faults: run `npm run localnet:setup` or `npm start` again)' : ''));
  }
  return plan.validatorLog;
}

/** The kuutamod whose /state says Validating now. */
async function currentValidator(plan: Plan): Promise<string> {
  const views = await Promise.all(plan.kuutamods.map((k) => fetchState(k.exporterUrl)));
  const index = views.findIndex((v) => v?.state === 'Validating');
  const found = plan.kuutamods[index];
  if (found === undefined) throw new Error(`no kuutamod validates now (asked ${plan.kuutamods.map((k) => `${k.name} at ${k.exporterUrl}/state`).join(', ')}): name the machine instead`);
  return found.name;
}

/** Switch one fault; returns what to tell the operator. */
export async function switchFault(l: Layout, plan: Plan, target: string, fault: string): Promise<string> {
  if (!FAULT_TARGETS.includes(target)) {
    throw new FaultUsageError(`TARGET must be one of ${FAULT_TARGETS.join(', ')}; got '${target}'`);
  }
  if (target === 'chain') {
    if (!(CHAIN_FAULTS as readonly string[]).includes(fault)) throw new FaultUsageError(`FAULT for the chain must be one of stall, none (or run); got '${fault}'`);
    const state = fault === 'stall' ? CHAIN_STATES[0] : CHAIN_STATES[1];
    return standinFault(plan, validatorLogOf(plan), ['standin-fault', '--chain', state]);
  }
  if (!(NODE_FAULTS as readonly string[]).includes(fault)) {
    throw new FaultUsageError(`FAULT for ${target} must be one of ${NODE_FAULTS.join(', ')}; got '${fault}'`);
  }
  const validatorLog = validatorLogOf(plan);
  const machine = target === 'validator' ? await currentValidator(plan) : target;
  const written = standinFault(plan, validatorLog, ['--home', homeOf(l, plan, machine), 'standin-fault', fault]);
  return target === 'validator' ? `${machine} (validating now): ${written}` : written;
}

/**
 * A fresh `npm start` begins healthy: faults left in the fault file by an earlier run (a machine still
 * isolated, the chain still stalled) are lifted, and said so. The records stay: they are the chain's past.
 */
export function liftLeftoverFaults(l: Layout, plan: Plan): string[] {
  if (plan.neard.kind !== 'standin' || !plan.validatorLog) return [];
  let text: string;
  try {
    text = readFileSync(resolve(REPO_ROOT, `${plan.validatorLog}.faults`), 'utf8');
  } catch {
    return [];
  }
  const active = new FaultTimeline(parseFaultRecords(text)).active(Date.now());
  const lifted: string[] = [];
  for (const { home, fault } of active.homes) {
    standinFault(plan, plan.validatorLog, ['--home', home, 'standin-fault', 'none']);
    const machine = MACHINES.find((m) => homeOf(l, plan, m) === home) ?? home;
    lifted.push(`${machine} ${fault}`);
  }
  if (active.stalled) {
    standinFault(plan, plan.validatorLog, ['standin-fault', '--chain', 'run']);
    lifted.push('chain stall');
  }
  return lifted;
}
