// Run a kuutamoctl binary to its exit and keep what it printed: the compiled one from this
// repository by default, or an installed one (the npm-pack test); and the check of its answer to
// `active-validator`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CONSUL_OPTIONS } from '../../src/settings.js';
import { ACCOUNT_ID, KUUTAMOCTL_BIN } from './kuutamod.js';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every variable that could point kuutamoctl at a Consul: its options' own and the ones Consul's CLI reads. */
const CONSUL_VARIABLES = [...Object.values(CONSUL_OPTIONS).map((spec) => spec.env), 'CONSUL_HTTP_TOKEN', 'CONSUL_CACERT', 'CONSUL_CLIENT_CERT', 'CONSUL_CLIENT_KEY'];

/**
 * `kuutamoctl <args>` for the test pool's account, without any of the caller's Consul variables
 * unless `env` sets them. `command` replaces `node <repo>/bin/kuutamoctl.js`.
 */
export async function kuutamoctl(args: string[], env: Record<string, string> = {}, command: string[] = [process.execPath, KUUTAMOCTL_BIN]): Promise<CliResult> {
  const [file, ...prefix] = command;
  const base = { ...process.env };
  for (const name of CONSUL_VARIABLES) delete base[name];
  try {
    const { stdout, stderr } = await run(file!, [...prefix, ...args], { env: { ...base, KUUTAMO_ACCOUNT_ID: ACCOUNT_ID, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** `kuutamoctl <args> active-validator` answers that `nodeId` validates (exit 0, `Name: <node id>`). */
export async function expectActiveValidator(nodeId: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const answer = await kuutamoctl([...args, 'active-validator'], env);
  assert.equal(answer.stdout, `Name: ${nodeId}\n`, answer.stderr);
  assert.equal(answer.code, 0, answer.stderr);
}
