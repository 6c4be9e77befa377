// `neard [--home DIR] standin-fault [--validator-log FILE] <isolated|mute|flaky|none>` and
// `neard standin-fault [--validator-log FILE] --chain <stall|run>`: not a neard command, the stand-in's
// switch for gray failures (README.md, "Faults"). It appends one record to the fault file, which every
// running stand-in reading that file picks up in its next answer.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argument, Option, type Command } from 'commander';
import { appendFaultRecord, faultFilePath } from './fault-file.js';
import { CHAIN_STATES, NODE_FAULTS, type ChainState, type FaultRecord, type NodeFault } from './fault-records.js';
import { wallClockMs } from './validator-log.js';

interface FaultOptions {
  chain?: ChainState;
  validatorLog?: string;
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Adds the subcommand; `home()` is the global --home. Usage errors go through commander (exit 2). */
export function registerStandinFault(program: Command, home: () => string): void {
  program.command('standin-fault')
    .description('Stand-in only: switch a gray failure of this home, or stall the whole chain (see localnet/neard/README.md)')
    .addArgument(new Argument('[fault]', "this home's fault from now on").choices(NODE_FAULTS))
    .addOption(new Option('--chain <state>', 'stall every node of the chain, or let it run again').choices(CHAIN_STATES))
    .option('--validator-log <file>', "the pool's shared validator log; the faults go to <file>.faults (default: $NEARD_STANDIN_VALIDATOR_LOG)")
    .action((fault: NodeFault | undefined, o: FaultOptions, cmd: Command) => {
      if ((fault === undefined) === (o.chain === undefined)) {
        cmd.error(`error: give either a fault (${NODE_FAULTS.join(', ')}) or --chain <${CHAIN_STATES.join('|')}>, not ${fault === undefined ? 'neither' : 'both'}`,
          { exitCode: 2, code: 'standin-fault.usage' });
      }
      const envLog = process.env['NEARD_STANDIN_VALIDATOR_LOG'];
      const validatorLog = o.validatorLog ?? (envLog !== undefined && envLog !== '' ? envLog : null);
      const dir = resolve(home());
      // A typo in --home would switch a fault nobody reads; the home-local file needs the home anyway.
      if ((fault !== undefined || validatorLog === null) && !isDirectory(dir)) {
        cmd.error(`error: --home '${dir}' is no directory (the neard home the fault belongs to)`, { exitCode: 2, code: 'standin-fault.home' });
      }
      const path = faultFilePath(validatorLog, dir);
      const record: FaultRecord = o.chain !== undefined ? { t_ms: wallClockMs(), chain: o.chain } : { t_ms: wallClockMs(), home: dir, fault: fault ?? 'none' };
      try {
        appendFaultRecord(path, record);
      } catch (err) {
        process.stderr.write(`Error: cannot write the fault file ${path}: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const what = o.chain !== undefined ? `chain ${o.chain}` : `${dir} ${fault ?? 'none'}`;
      process.stdout.write(`standin-fault: ${what} (${path})\n`);
    });
}
