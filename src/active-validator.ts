/**
 * Who validates for an account right now, as Rust kuutamoctl answers it: the leader key's session,
 * looked up in Consul. Exit codes: 0 found, 1 no leader key, 2 the key's session expired.
 */
import { consulLeaderKey, type ConsulClient } from '../services/consul-client.js';

export type ActiveValidatorAnswer =
  | { kind: 'none' }
  | { kind: 'expired' }
  | { kind: 'found'; session: Record<string, unknown> & { Name: string } };

export async function findActiveValidator(consul: ConsulClient, accountId: string): Promise<ActiveValidatorAnswer> {
  const entry = (await consul.kv.get(consulLeaderKey(accountId))) as { Session?: string } | undefined;
  if (!entry) return { kind: 'none' };
  if (!entry.Session) return { kind: 'expired' };
  const session = (await consul.session.info(entry.Session)) as unknown as (Record<string, unknown> & { Name: string }) | undefined;
  return session ? { kind: 'found', session } : { kind: 'expired' };
}
