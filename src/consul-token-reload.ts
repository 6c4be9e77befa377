/**
 * Token rotation without a restart: on SIGUSR1 the daemon re-reads --consul-token-file (as kuutamo's
 * later daemon does) and hands the new token to its Consul client and the neard guard. The token is
 * never logged. A file that cannot be read keeps the old token, and says so: the daemon goes on
 * renewing with it rather than dropping to no token at all.
 */
import type { Logger } from 'pino';
import { readTokenFile } from './consul-token.js';
import { errorMessage } from '../services/error-message.js';

export function reloadConsulToken(tokenFile: string | undefined, apply: (token: string | undefined) => void, logger: Logger): void {
  if (tokenFile === undefined) {
    logger.warn('SIGUSR1: no --consul-token-file to re-read (the token, if any, came from $CONSUL_HTTP_TOKEN); the token is unchanged');
    return;
  }
  let token: string | undefined;
  try {
    token = readTokenFile(tokenFile, '--consul-token-file');
  } catch (error) {
    logger.error(`consul token not reloaded, keeping the old one: ${errorMessage(error)}`);
    return;
  }
  apply(token);
  logger.info({ file: tokenFile }, token ? 'consul token reloaded' : 'consul token reloaded: the file is empty, no token is sent from now on');
}
