/** The Consul ACL token for kuutamod and kuutamoctl: --consul-token-file, else $CONSUL_HTTP_TOKEN. */
import { readFileSync } from 'node:fs';
import { OperatorError } from './errors.js';

export function readConsulToken(tokenFile: string | undefined, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!tokenFile) return environment.CONSUL_HTTP_TOKEN || undefined;
  try {
    return readFileSync(tokenFile, 'utf8').trim() || undefined;
  } catch (error) {
    throw new OperatorError(`--consul-token-file: cannot read consul token file ${tokenFile} (${(error as NodeJS.ErrnoException).code}).`);
  }
}
