/**
 * `kuutamoctl list [--json]`: the pool of the account at a glance, from Consul alone (pool-wide, so no
 * control socket): one row per published member, the lock holder as the lock key names it. Exit 0 with
 * members, 1 with none ("No members found for account X").
 */
import type { Command } from 'commander';
import { formatPoolTable, poolTableOf } from '../pool-table-rows.js';
import { readPoolView } from '../pool-view.js';
import { ACCOUNT_ID_OPTION } from '../settings.js';
import { readWithCommandConsul } from './command-consul.js';

async function list(program: Command, json: boolean): Promise<number> {
  const view = await readWithCommandConsul(program, "the pool's members", readPoolView);
  if (json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  } else {
    const text = formatPoolTable(poolTableOf(view));
    (view.members.length === 0 ? process.stderr : process.stdout).write(text);
  }
  return view.members.length === 0 ? 1 : 0;
}

/** `list`; `onExit` receives the exit code (kuutamoctl's main returns it). */
export function registerList(program: Command, onExit: (code: number) => void): void {
  program
    .command('list')
    .description(`Show every member of the pool (account from ${ACCOUNT_ID_OPTION.env}): state, lock, head, lag, versions, eligibility, hot-swap readiness, block production`)
    .option('--json', 'print the member records with the head and lag projected to the read and the lock holder as JSON')
    .action(async (options: { json?: boolean }) => {
      onExit(await list(program, options.json === true || program.opts<{ json?: boolean }>().json === true));
    });
}
