/**
 * The Consul ACL token for kuutamod and kuutamoctl: read from --consul-token-file, else taken from
 * $CONSUL_HTTP_TOKEN as Consul's own CLI does. A file keeps the token out of `ps` and unit files.
 */
import { readFileSync } from 'node:fs';
import { OperatorError } from './errors.js';

/** `where` names the flag (and variable) that gave the file, for the error message. */
export function readConsulToken(tokenFile: string | undefined, where: string, environment: NodeJS.ProcessEnv): string | undefined {
  if (!tokenFile) return environment.CONSUL_HTTP_TOKEN || undefined;
  try {
    return readFileSync(tokenFile, 'utf8').trim() || undefined;
  } catch (error) {
    throw new OperatorError(`${where}: cannot read consul token file ${tokenFile} (${(error as NodeJS.ErrnoException).code}).`);
  }
}
