/**
 * Who validates for an account right now, as Rust kuutamoctl answers it: the leader key's session,
 * looked up in Consul. Exit codes: 0 found, 1 no leader key, 2 the key's session expired.
 * The one place that decides "who leads" for the tools: kuutamoctl active-validator, kuutamoctl list /
 * the /ui table (src/pool-view.ts) and switchover planning (src/control/switchover-routes.ts). The
 * session's Name (the node id) is used rather than the key's {NodeId} value because a plain PUT can
 * rewrite a held key's value, while a session's Name is fixed when the holder creates it.
 */
import { consulLeaderKey, type ConsulClient, type ConsulSessionInfo } from '../services/consul/client.js';

export type ActiveValidatorAnswer = { kind: 'none' } | { kind: 'expired' } | { kind: 'found'; session: ConsulSessionInfo };

export async function findActiveValidator(consul: ConsulClient, accountId: string): Promise<ActiveValidatorAnswer> {
  const entry = await consul.getKey(consulLeaderKey(accountId));
  if (!entry) return { kind: 'none' };
  if (!entry.Session) return { kind: 'expired' };
  const session = await consul.sessionInfo(entry.Session);
  return session ? { kind: 'found', session } : { kind: 'expired' };
}
