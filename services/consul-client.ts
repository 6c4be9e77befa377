/**
 * The Consul connection shared by the election actor and kuutamoctl: one place that knows the URL,
 * the ACL token, the leader key and the value kuutamod stores in it.
 */
import Consul from 'consul';
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { hostname } from 'node:os';
import { explainConsulPermission, explainConsulTls, refusedRequestOf } from './consul-permission.js';

export type ConsulClient = InstanceType<typeof Consul>;

export interface ConsulConnection {
  /** e.g. http://localhost:8500 */
  url: string;
  /** ACL token sent as X-Consul-Token (from --consul-token-file or CONSUL_HTTP_TOKEN). */
  token?: string;
  /** PEM file of the CA that signed Consul's certificate (--consul-ca-file or CONSUL_CACERT), for https URLs. */
  caFile?: string;
  requestTimeoutMs: number;
}

export function createConsulClient({ url, token, caFile, requestTimeoutMs }: ConsulConnection): ConsulClient {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:';
  // `timeout` is a documented default of the client (lib/constants.js) that its typings omit.
  const defaults = { timeout: requestTimeoutMs, ...(token ? { token } : {}) } as { token?: string };
  return new Consul({
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 443 : 80,
    secure,
    defaults,
    ...(secure && caFile ? { agent: new HttpsAgent({ ca: readFileSync(caFile), keepAlive: true }) } : {}),
  });
}

/** The key whose lock elects the validator; the same as Rust kuutamod so mixed clusters agree. */
export function consulLeaderKey(accountId: string): string {
  return `kuutamod-leader/${accountId}`;
}

/** The value kuutamod writes into the leader key when it acquires it. */
export function leaderKeyValue(nodeId: string): string {
  return JSON.stringify({ Hostname: hostname(), NodeId: nodeId });
}

/** HTTP status of a failed Consul call, if the server answered at all. */
export function consulStatusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** A one-line description of a Consul failure for logs and operator messages. */
export function describeConsulError(error: unknown): string {
  const status = consulStatusCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const permission = explainConsulPermission(refusedRequestOf(error)) ?? explainConsulTls((error as { code?: string } | null)?.code);
  return (status === undefined ? message : `HTTP ${status}: ${message}`) + (permission ? `: ${permission}` : '');
}
