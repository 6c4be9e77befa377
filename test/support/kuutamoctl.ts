// Run a kuutamoctl binary to its exit and keep what it printed: the compiled one from this
// repository by default, or an installed one (the npm-pack test).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ACCOUNT_ID, KUUTAMOCTL_BIN } from './kuutamod.js';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `kuutamoctl <args>` for the test pool's account, without the caller's Consul token or CA
 * variables unless `env` sets them. `command` replaces `node <repo>/bin/kuutamoctl.js`.
 */
export async function kuutamoctl(args: string[], env: Record<string, string> = {}, command: string[] = [process.execPath, KUUTAMOCTL_BIN]): Promise<CliResult> {
  const [file, ...prefix] = command;
  const base = { ...process.env };
  delete base['CONSUL_HTTP_TOKEN'];
  delete base['CONSUL_CACERT'];
  try {
    const { stdout, stderr } = await run(file!, [...prefix, ...args], { env: { ...base, KUUTAMO_ACCOUNT_ID: ACCOUNT_ID, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}
