/**
 * What a refusal from Consul means for the operator: an ACL 403, an https certificate that
 * does not verify against the configured CA, or a client certificate Consul wants and did not get. Consul answers 403 with only
 * "Permission denied" or "ACL not found"; which permission is missing follows from the request
 * that was refused, so this maps (method, path, message, was a token sent) to one sentence naming
 * the permission, the key, and what to do. Pure: the caller passes what it knows; never the token.
 */

export interface RefusedRequest {
  status: number | undefined;
  /** Consul's error text, e.g. "Permission denied". */
  message: string;
  method: string | undefined;
  /** Request path with query, e.g. /v1/kv/kuutamod-leader/pool.near?acquire=... */
  path: string | undefined;
  /** Whether an X-Consul-Token header was sent (its value is never looked at). */
  tokenSent: boolean;
}

const POLICY_HINT = 'see deploy/consul/kuutamod-policy.hcl (kuutamoctl read commands: deploy/consul/kuutamoctl-read-policy.hcl)';

/** The permission a refused request needed, or undefined when the path is not one kuutamod uses. */
function neededPermission(method: string, path: string): string | undefined {
  const [pathname = '', query = ''] = path.split('?');
  const kv = /^\/v1\/kv\/(.+)$/.exec(pathname);
  if (kv) {
    const key = decodeURIComponent(kv[1]!);
    const writes = method !== 'GET' || /(^|&)(acquire|release)=/.test(query);
    return writes ? `key:write on ${key}` : `key:read on ${key}`;
  }
  if (/^\/v1\/session\/(create|renew|destroy)\b/.test(pathname)) return 'session:write on the Consul agent node at --consul-url';
  if (/^\/v1\/session\//.test(pathname)) return 'session:read';
  return undefined;
}

/** A sentence to append to a Consul error when it is an ACL refusal; undefined otherwise. */
export function explainConsulPermission(request: RefusedRequest): string | undefined {
  if (request.status !== 403) return undefined;
  if (/ACL not found/i.test(request.message)) {
    return 'Consul does not know this ACL token (mistyped, deleted, or from another cluster): check the file given by --consul-token-file or $CONSUL_HTTP_TOKEN';
  }
  if (!/Permission denied/i.test(request.message)) return undefined;
  if (!request.tokenSent) {
    return `Consul enforces ACLs and no token was sent: give one with --consul-token-file (or $CONSUL_HTTP_TOKEN); ${POLICY_HINT}`;
  }
  const permission = request.method && request.path ? neededPermission(request.method, request.path) : undefined;
  return permission
    ? `the ACL token lacks ${permission}; ${POLICY_HINT}`
    : `the ACL token lacks a permission this request needs; ${POLICY_HINT}`;
}

// Node's codes for a server certificate that the trusted CAs do not vouch for.
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

// OpenSSL's codes for a TLS alert by which the server refused our (missing or bad) client certificate.
const CLIENT_CERTIFICATE_REFUSED = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
]);

/** The PEM files the refused connection used (paths only), to name them in the sentence. */
export interface TlsFiles {
  caFile?: string;
  clientCert?: string;
}

/** A sentence for a TLS failure talking to an https Consul, from the error's code; undefined otherwise. */
export function explainConsulTls(code: string | undefined, files: TlsFiles = {}): string | undefined {
  if (code === undefined) return undefined;
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    const trusted = files.caFile ? `the CA in ${files.caFile} (given by --consul-ca-file or $CONSUL_CACERT)` : "a CA this system trusts (no --consul-ca-file or $CONSUL_CACERT given)";
    return `Consul's certificate is not signed by ${trusted} (${code}): give the CA that signed it (consul tls ca create wrote it as consul-agent-ca.pem)`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `Consul's certificate does not name the host in --consul-url (${code}): use a name in its SANs (consul tls cert create adds localhost and 127.0.0.1) or add this one with -additional-dnsname / -additional-ipaddress`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `Consul's certificate has expired (${code}): renew it with consul tls cert create`;
  if (CLIENT_CERTIFICATE_REFUSED.has(code)) {
    return files.clientCert
      ? `Consul refused the client certificate in ${files.clientCert} (--consul-client-cert) (${code}): give one signed by the CA Consul's ca_file names, with its key in --consul-client-key`
      : `Consul requires a client certificate (verify_incoming_https) and none was given (${code}): give one with --consul-client-cert and --consul-client-key (or $CONSUL_CLIENT_CERT and $CONSUL_CLIENT_KEY)`;
  }
  return undefined;
}

/** Read a RefusedRequest off an error of the `consul` client (papi keeps the response and its request). */
export function refusedRequestOf(error: unknown): RefusedRequest {
  const failure = error as { statusCode?: unknown; message?: unknown; response?: { req?: RequestLike } } | null;
  const req = failure?.response?.req;
  return {
    status: typeof failure?.statusCode === 'number' ? failure.statusCode : undefined,
    message: typeof failure?.message === 'string' ? failure.message : String(error),
    method: typeof req?.method === 'string' ? req.method : undefined,
    path: typeof req?.path === 'string' ? req.path : undefined,
    tokenSent: typeof req?.getHeader === 'function' && req.getHeader('x-consul-token') !== undefined,
  };
}

/** The parts of node's ClientRequest that refusedRequestOf reads. */
interface RequestLike {
  method?: unknown;
  path?: unknown;
  getHeader?: (name: string) => unknown;
}
