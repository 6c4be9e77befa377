/**
 * `kuutamoctl history [--json]`: the pool's changes of validator (when, from, to, why), oldest first, from
 * Consul alone (pool-wide, so no control socket), as Patroni's `GET /history`. Entries a daemon could not
 * write to Consul yet are shown by that daemon's GET /v1/history. Garbage in the key is named on stderr and
 * read as empty. Exit 0 with entries, 1 with none ("No changes of validator recorded for account X").
 */
import type { Command } from 'commander';
import { formatHistoryTable, historyTableOf } from '../history-table-rows.js';
import { readHistoryView } from '../history-view.js';
import { ACCOUNT_ID_OPTION } from '../settings.js';
import { readWithCommandConsul } from './command-consul.js';

async function history(program: Command, json: boolean): Promise<number> {
  const view = await readWithCommandConsul(program, "the pool's history", readHistoryView);
  if (json) {
    for (const warning of view.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  } else {
    const text = formatHistoryTable(historyTableOf(view));
    (view.entries.length === 0 ? process.stderr : process.stdout).write(text);
  }
  return view.entries.length === 0 ? 1 : 0;
}

/** `history`; `onExit` receives the exit code (kuutamoctl's main returns it). */
export function registerHistory(program: Command, onExit: (code: number) => void): void {
  program
    .command('history')
    .description(`Show the pool's changes of validator (account from ${ACCOUNT_ID_OPTION.env}): when, from, to and why (crash, daemon lost, switchover, restart, production, consul outage, ...), oldest first`)
    .option('--json', 'print the entries as JSON')
    .action(async (options: { json?: boolean }) => {
      onExit(await history(program, options.json === true || program.opts<{ json?: boolean }>().json === true));
    });
}
