/**
 * The Consul ACL token for kuutamod and kuutamoctl: read from --consul-token-file, else taken from
 * $CONSUL_HTTP_TOKEN as Consul's own CLI does, else from systemd's `$CREDENTIALS_DIRECTORY/consul_token`
 * when that credential exists (LoadCredential=, as the key files). A file keeps the token out of `ps`
 * and unit files, and it is the only source the daemon can re-read on SIGUSR1 (token rotation).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OperatorError } from './errors.js';

/** The name of the systemd credential kuutamod reads the token from when nothing else gives one. */
export const CONSUL_TOKEN_CREDENTIAL = 'consul_token';

/** The token and, when it came from a file, that file (to re-read it on rotation). */
export interface ConsulTokenSource {
  token?: string;
  file?: string;
}

/** `where` names the flag (and variable) that gave the file, for the error message. */
export function readConsulToken(tokenFile: string | undefined, where: string, environment: NodeJS.ProcessEnv): ConsulTokenSource {
  const file = tokenFile ?? (environment.CONSUL_HTTP_TOKEN ? undefined : credentialTokenFile(environment));
  if (file === undefined) return environment.CONSUL_HTTP_TOKEN ? { token: environment.CONSUL_HTTP_TOKEN } : {};
  const token = readTokenFile(file, tokenFile === undefined ? `${where} (from $CREDENTIALS_DIRECTORY)` : where);
  return { file: resolve(file), ...(token ? { token } : {}) };
}

/** Read a token file; an empty file means no token. Errors name `where` and the file. */
export function readTokenFile(file: string, where: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    throw new OperatorError(`${where}: cannot read consul token file ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
}

function credentialTokenFile(environment: NodeJS.ProcessEnv): string | undefined {
  const credentials = environment.CREDENTIALS_DIRECTORY;
  if (!credentials) return undefined;
  const file = join(credentials, CONSUL_TOKEN_CREDENTIAL);
  return existsSync(file) ? file : undefined;
}
