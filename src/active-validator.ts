/**
 * Who validates for an account right now, as Rust kuutamoctl answers it: the leader key's session,
 * looked up in Consul. Exit codes: 0 found, 1 no leader key, 2 the key's session expired.
 */
import { consulLeaderKey, type ConsulClient, type ConsulSessionInfo } from '../services/consul-client.js';

export type ActiveValidatorAnswer = { kind: 'none' } | { kind: 'expired' } | { kind: 'found'; session: ConsulSessionInfo };

export async function findActiveValidator(consul: ConsulClient, accountId: string): Promise<ActiveValidatorAnswer> {
  const entry = await consul.getKey(consulLeaderKey(accountId));
  if (!entry) return { kind: 'none' };
  if (!entry.Session) return { kind: 'expired' };
  const session = await consul.sessionInfo(entry.Session);
  return session ? { kind: 'found', session } : { kind: 'expired' };
}
