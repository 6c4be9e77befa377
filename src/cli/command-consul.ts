/**
 * The Consul client and account of a kuutamoctl command that reads Consul directly (active-validator,
 * list, history): kuutamod's own Consul options (src/settings.ts), so the unit's KUUTAMO_* variables mean the same.
 */
import type { Command } from 'commander';
import { createConsulClient, describeConsulError, type ConsulClient } from '../../services/consul/client.js';
import { OperatorError } from '../errors.js';
import { ACCOUNT_ID_OPTION, consulEndpointOf, givenFlags, resolveConsulConnection, resolveOptions } from '../settings.js';

/**
 * One request's limit. Longer than the daemon's (an operator at a prompt would rather wait out a slow
 * Consul than read a timeout), short enough that a dead agent ends the command with an error.
 */
export const COMMAND_CONSUL_TIMEOUT_MS = 10_000;

export interface CommandConsul {
  consul: ConsulClient;
  consulUrl: string;
  accountId: string;
}

export function commandConsul(program: Command): CommandConsul {
  const connection = resolveConsulConnection(givenFlags(program), process.env);
  const { accountId } = resolveOptions({ accountId: ACCOUNT_ID_OPTION }, {}, process.env);
  const consul = createConsulClient({ ...consulEndpointOf(connection), requestTimeoutMs: COMMAND_CONSUL_TIMEOUT_MS });
  return { consul, consulUrl: connection.consulUrl, accountId };
}

/**
 * One read of the pool's records with the command's client, closed afterwards; a Consul failure is an
 * OperatorError naming `what` was read and from where.
 */
export async function readWithCommandConsul<T>(program: Command, what: string, read: (consul: ConsulClient, accountId: string) => Promise<T>): Promise<T> {
  const { consul, consulUrl, accountId } = commandConsul(program);
  try {
    return await read(consul, accountId);
  } catch (error) {
    throw new OperatorError(`Failed to read ${what} from consul at ${consulUrl}: ${describeConsulError(error)}`);
  } finally {
    consul.destroy();
  }
}
