/** `kuutamoctl`: operator commands. Same options, output and exit codes as Rust kuutamoctl. */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { createConsulClient, describeConsulError } from '../../services/consul-client.js';
import { findActiveValidator } from '../active-validator.js';
import { readConsulToken } from '../consul-token.js';
import { OperatorError } from '../errors.js';
import { registerGenerateKey } from './generate-key.js';
import { runCli } from './run-cli.js';

function checkReadable(file: string, option: string): void {
  try {
    readFileSync(file);
  } catch (error) {
    throw new OperatorError(`${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
}

interface GlobalOptions {
  consulUrl: string;
  consulTokenFile?: string;
  consulCaFile?: string;
  json?: boolean;
}

async function activeValidator(options: GlobalOptions): Promise<number> {
  const caFile = options.consulCaFile || process.env.CONSUL_CACERT || undefined;
  // As the daemon's settings do: an unreadable CA file is the operator's to fix, named, not a stack trace.
  if (caFile) checkReadable(caFile, '--consul-ca-file (or $CONSUL_CACERT)');
  const consul = createConsulClient({ url: options.consulUrl, token: readConsulToken(options.consulTokenFile), caFile, requestTimeoutMs: 10_000 });
  const accountId = process.env.KUUTAMO_ACCOUNT_ID || 'default';
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
    process.stdout.write(options.json ? `${JSON.stringify(answer.session, null, 2)}\n` : `Name: ${answer.session.Name}\n`);
    return 0;
  } catch (error) {
    throw new OperatorError(`Failed to get leader key from consul at ${options.consulUrl}: ${describeConsulError(error)}`);
  } finally {
    consul.destroy();
  }
}

runCli('kuutamoctl', async () => {
  let exitCode = 0;
  const program = new Command('kuutamoctl')
    .description('Operator commands for kuutamod')
    .addOption(new Option('--consul-url <url>', 'Consul HTTP API URL').env('KUUTAMO_CONSUL_URL').default('http://localhost:8500'))
    .addOption(new Option('--consul-token-file <file>', 'file holding the Consul ACL token (default: $CONSUL_HTTP_TOKEN)').env('KUUTAMO_CONSUL_TOKEN_FILE'))
    .addOption(new Option('--consul-ca-file <file>', 'CA certificate (PEM) for an https --consul-url (default: $CONSUL_CACERT)').env('KUUTAMO_CONSUL_CA_FILE'))
    .option('--json', 'output in json format');
  program
    .command('active-validator')
    .description('Show the current voted validator (account from KUUTAMO_ACCOUNT_ID, default "default")')
    .action(async () => {
      exitCode = await activeValidator(program.opts<GlobalOptions>());
    });
  registerGenerateKey(program);
  await program.parseAsync();
  return exitCode;
});
