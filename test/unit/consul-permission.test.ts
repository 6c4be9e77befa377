/**
 * services/consul/permission.ts: each refused request kuutamod or kuutamoctl makes maps to the
 * permission it needed (the integration tests see the same sentences from a real Consul), and
 * the sentence never carries anything but the key and the permission.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainConsulPermission, explainConsulTls, type RefusedRequest } from '../../services/consul/permission.js';

const denied = (method: string, path: string, tokenSent = true): RefusedRequest => ({ status: 403, message: 'Permission denied', method, path, tokenSent });

test('each request of the daemon and kuutamoctl names its permission', () => {
  const cases: Array<[RefusedRequest, RegExp]> = [
    [denied('PUT', '/v1/session/create'), /lacks session:write on the Consul agent node/],
    [denied('PUT', '/v1/session/renew/abc'), /lacks session:write/],
    [denied('PUT', '/v1/session/destroy/abc'), /lacks session:write/],
    [denied('PUT', '/v1/kv/kuutamod-leader/pool.near?acquire=abc'), /lacks key:write on kuutamod-leader\/pool\.near;/],
    [denied('PUT', '/v1/kv/kuutamod-leader/pool.near?release=abc'), /lacks key:write on kuutamod-leader\/pool\.near;/],
    [denied('GET', '/v1/kv/kuutamod-leader/pool.near?index=7&wait=300s'), /lacks key:read on kuutamod-leader\/pool\.near;/],
    [denied('GET', '/v1/session/info/abc'), /lacks session:read;/],
  ];
  for (const [request, says] of cases) {
    const sentence = explainConsulPermission(request);
    assert.match(sentence ?? '', says, `${request.method} ${request.path}`);
    assert.match(sentence ?? '', /see deploy\/consul\/kuutamod-policy\.hcl/);
  }
});

test('no token, an unknown token, and answers that are not ACL refusals', () => {
  assert.match(explainConsulPermission(denied('PUT', '/v1/session/create', false)) ?? '', /no token was sent: give one with --consul-token-file/);
  assert.match(explainConsulPermission({ ...denied('PUT', '/v1/session/create'), message: 'ACL not found' }) ?? '', /does not know this ACL token/);
  assert.equal(explainConsulPermission({ ...denied('PUT', '/v1/session/create'), status: 500, message: 'No cluster leader' }), undefined);
  assert.equal(explainConsulPermission({ ...denied('GET', '/v1/kv/x'), status: undefined, message: 'ECONNREFUSED' }), undefined);
});

test('TLS failures name --consul-ca-file and its file, or the client certificate flags; other error codes get no sentence', () => {
  assert.match(explainConsulTls('UNABLE_TO_VERIFY_LEAF_SIGNATURE', { caFile: '/etc/consul/ca.pem' }) ?? '', /not signed by the CA in \/etc\/consul\/ca\.pem \(given by --consul-ca-file or \$CONSUL_CACERT\)/);
  assert.match(explainConsulTls('SELF_SIGNED_CERT_IN_CHAIN') ?? '', /a CA this system trusts \(no --consul-ca-file or \$CONSUL_CACERT given\)/);
  assert.match(explainConsulTls('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') ?? '', /requires a client certificate .*--consul-client-cert and --consul-client-key/);
  assert.match(explainConsulTls('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', { clientCert: '/c.pem' }) ?? '', /refused the client certificate in \/c\.pem \(--consul-client-cert\)/);
  assert.match(explainConsulTls('ERR_TLS_CERT_ALTNAME_INVALID') ?? '', /does not name the host in --consul-url/);
  assert.equal(explainConsulTls('ECONNREFUSED'), undefined);
  assert.equal(explainConsulTls(undefined), undefined);
});
