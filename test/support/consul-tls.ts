// Certificates for an https-only test Consul, made the way an operator makes them: `consul tls ca
// create` and `consul tls cert create -server` (server.dc1.consul, localhost, 127.0.0.1 as SANs).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { consulBinary, type ClientCertificate, type ConsulTlsFiles } from './consul.js';

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
