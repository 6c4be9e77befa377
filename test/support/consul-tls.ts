// An https-only test Consul for the TLS tests: certificates made the way an operator makes them (`consul
// tls ca create`, `consul tls cert create -server` with server.dc1.consul, localhost, 127.0.0.1 as SANs,
// `-client` for client certificates), the daemon cluster on it, and the check of a daemon Consul turns away.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { consulBinary, type ClientCertificate, type ConsulTlsFiles } from './consul.js';
import { startDaemonCluster, type DaemonCluster } from './daemon-cluster.js';
import type { Kuutamod } from './kuutamod.js';

/** Run both commands in `dir` (they write into the working directory) and return the PEM paths. */
export function createConsulTlsFiles(dir: string): ConsulTlsFiles {
  mkdirSync(dir, { recursive: true });
  execFileSync(consulBinary(), ['tls', 'ca', 'create'], { cwd: dir, stdio: 'pipe' });
  execFileSync(consulBinary(), ['tls', 'cert', 'create', '-server'], { cwd: dir, stdio: 'pipe' });
  return {
    caFile: join(dir, 'consul-agent-ca.pem'),
    certFile: join(dir, 'dc1-server-consul-0.pem'),
    keyFile: join(dir, 'dc1-server-consul-0-key.pem'),
  };
}

/** `consul tls cert create -client` in the `dir` of createConsulTlsFiles: signed by its CA. */
export function createConsulClientCertificate(dir: string): ClientCertificate {
  execFileSync(consulBinary(), ['tls', 'cert', 'create', '-client'], { cwd: dir, stdio: 'pipe' });
  return { certFile: join(dir, 'dc1-client-consul-0.pem'), keyFile: join(dir, 'dc1-client-consul-0-key.pem') };
}

/** A client certificate signed by the CA in `dir` that expired yesterday (openssl's -days -1), and its key. */
export function createExpiredClientCertificate(dir: string): ClientCertificate {
  const certFile = join(dir, 'expired-client.pem');
  const keyFile = join(dir, 'expired-client-key.pem');
  const csr = join(dir, 'expired-client.csr');
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-subj', '/CN=expired.client', '-out', csr]);
  openssl(['x509', '-req', '-in', csr, '-CA', 'consul-agent-ca.pem', '-CAkey', 'consul-agent-ca-key.pem', '-CAcreateserial', '-days', '-1', '-out', certFile]);
  return { certFile, keyFile };
}

/** None of the caller's CONSUL_* TLS variables may stand in for a missing flag (kuutamoctl() blanks them too). */
const NO_TLS_ENV = { CONSUL_CACERT: '', CONSUL_CLIENT_CERT: '', CONSUL_CLIENT_KEY: '' };

/** A daemon cluster on an https-only Consul whose certificates come from `consul tls` (in `<dir>/tls`). */
export interface TlsCluster extends DaemonCluster {
  tls: ConsulTlsFiles;
  /** A daemon with these flags; the caller's CONSUL_* TLS variables are blanked unless `env` sets them. */
  startTlsNode(nodeId: string, args: string[], env?: Record<string, string>): Promise<Kuutamod>;
}

/** Consul's client certificates: one `consul tls cert create -client` made, and one that expired yesterday. */
export interface ClientCertificates {
  client: ClientCertificate;
  expired: ClientCertificate;
}

async function startTls(tempPrefix: string, withClientCerts: boolean): Promise<TlsCluster & Partial<ClientCertificates>> {
  let tls: ConsulTlsFiles | undefined;
  let certs: ClientCertificates | undefined;
  const cluster = await startDaemonCluster(tempPrefix, (tempDir) => {
    const tlsDir = join(tempDir, 'tls');
    tls = createConsulTlsFiles(tlsDir);
    if (!withClientCerts) return { tls };
    certs = { client: createConsulClientCertificate(tlsDir), expired: createExpiredClientCertificate(tlsDir) };
    return { tls, requireClientCert: certs.client };
  });
  return {
    ...cluster,
    ...certs,
    tls: tls!,
    startTlsNode: (nodeId, args, env = {}) => cluster.startNode(nodeId, { extraArgs: args, env: { ...NO_TLS_ENV, ...env } }),
  };
}

/** An https-only Consul (server certificate from `consul tls`) and daemons on demand. */
export function startTlsCluster(tempPrefix: string): Promise<TlsCluster> {
  return startTls(tempPrefix, false);
}

/** The same, with a Consul that requires client certificates (verify_incoming_https); see ClientCertificates. */
export async function startClientCertCluster(tempPrefix: string): Promise<TlsCluster & ClientCertificates> {
  const cluster = await startTls(tempPrefix, true);
  const { client, expired } = cluster;
  if (client === undefined || expired === undefined) throw new Error('client certificates were not made');
  return { ...cluster, client, expired };
}

/** A daemon Consul turns away: its log says why (`says`), it holds no lock and does not validate. Stops it. */
export async function expectTurnedAway(daemon: Kuutamod, says: RegExp): Promise<void> {
  await daemon.waitForLog(says);
  const view = await daemon.state();
  assert.equal(view.holdsLock, false);
  assert.notEqual(view.state, 'Validating');
  await daemon.stop();
}
