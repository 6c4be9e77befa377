/**
 * `kuutamoctl`'s commands and options: same options, output and exit codes as Rust kuutamoctl.
 * Its Consul options are kuutamod's (src/settings.ts), resolved by the same code, so a unit file's
 * KUUTAMO_CONSUL_URL, token file, CA file and client certificate mean the same to both. Built here
 * without running (src/cli/kuutamoctl.ts runs it), so its help can be read in-process.
 */
import { Command } from 'commander';
import { describeConsulError } from '../../services/consul/client.js';
import { findActiveValidator } from '../active-validator.js';
import { OperatorError } from '../errors.js';
import { ACCOUNT_ID_OPTION, CONSUL_OPTIONS, addOptions } from '../settings.js';
import { commandConsul } from './command-consul.js';
import { registerGenerateKey } from './generate-key.js';
import { registerHistory } from './history.js';
import { registerList } from './list.js';
import { registerMaintenanceStatus } from './maintenance-status.js';
import { registerRestart } from './restart.js';
import { registerSwitchover } from './switchover.js';

/** Exit codes of Rust kuutamoctl: 0 a leader, 1 none, 2 only an expired session. */
async function activeValidator(program: Command): Promise<number> {
  const { consul, consulUrl, accountId } = commandConsul(program);
  try {
    const answer = await findActiveValidator(consul, accountId);
    if (answer.kind === 'none') {
      process.stderr.write('No leader found\n');
      return 1;
    }
    if (answer.kind === 'expired') {
      process.stderr.write('Last leader session was expired\n');
      return 2;
    }
    const json = program.opts<{ json?: boolean }>().json === true;
    process.stdout.write(json ? `${JSON.stringify(answer.session, null, 2)}\n` : `Name: ${answer.session.Name}\n`);
    return 0;
  } catch (error) {
    throw new OperatorError(`Failed to get leader key from consul at ${consulUrl}: ${describeConsulError(error)}`);
  } finally {
    consul.destroy();
  }
}

/** The command line: every command and option, and the exit code the command that ran chose. */
export interface KuutamoctlProgram {
  program: Command;
  exitCode: () => number;
}

/** kuutamoctl's commander program, built without running it (docs/configuration.md reads its help in-process). */
export function buildKuutamoctl(): KuutamoctlProgram {
  let exitCode = 0;
  const program = addOptions(new Command('kuutamoctl').description('Operator commands for kuutamod'), Object.values(CONSUL_OPTIONS))
    .option('--json', 'output in json format');
  program
    .command('active-validator')
    .description(`Show the current voted validator (account from ${ACCOUNT_ID_OPTION.env}, default "${ACCOUNT_ID_OPTION.default}")`)
    .action(async () => {
      exitCode = await activeValidator(program);
    });
  registerGenerateKey(program);
  registerSwitchover(program, (code) => (exitCode = code));
  registerList(program, (code) => (exitCode = code));
  registerHistory(program, (code) => (exitCode = code));
  registerRestart(program);
  registerMaintenanceStatus(program);
  return { program, exitCode: () => exitCode };
}
