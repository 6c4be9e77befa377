/**
 * The Consul client and account of a kuutamoctl command that reads Consul directly (active-validator,
 * list): kuutamod's own Consul options (src/settings.ts), so the unit's KUUTAMO_* variables mean the same.
 */
import type { Command } from 'commander';
import { createConsulClient, type ConsulClient } from '../../services/consul/client.js';
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
