/**
 * What every kuutamoctl command that talks to the local daemon shares: the options that find its control
 * socket (--control-socket, --neard-home, or KUUTAMO_CONTROL_SOCKET / KUUTAMO_NEARD_HOME as the daemon
 * has them, so the daemon's environment needs no extra flag), and one call that turns a refusal into an
 * operator error carrying the daemon's message.
 */
import { Option, type Command } from 'commander';
import { OperatorError } from '../errors.js';
import { controlRequest, controlSocketPath } from './control-client.js';

export interface ControlSocketFlags {
  controlSocket?: string;
  neardHome?: string;
}

export function addControlSocketOptions(command: Command): Command {
  // The variables are named for --help; controlSocketPath reads them itself, with the daemon's precedence.
  return command
    .addOption(new Option('--control-socket <path>', "kuutamod's control socket (default: kuutamod.sock in the neard home)").env('KUUTAMO_CONTROL_SOCKET'))
    .addOption(new Option('--neard-home <dir>', "kuutamod's --neard-home, where its control socket is (default: .)").env('KUUTAMO_NEARD_HOME'));
}

export const socketPathOf = (flags: ControlSocketFlags): string => controlSocketPath(flags, process.env);

/** One request; anything but a 2xx answer is an OperatorError with the daemon's own message. */
export async function callDaemon<T>(socketPath: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const answer = await controlRequest<T | { message?: unknown } | null>(socketPath, method, path, body);
  if (answer.status >= 200 && answer.status < 300) return answer.body as T;
  const message = (answer.body as { message?: unknown } | null)?.message;
  throw new OperatorError(typeof message === 'string' ? message : `kuutamod at ${socketPath} answered ${method} ${path} with HTTP ${answer.status}`);
}
