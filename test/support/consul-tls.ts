// Certificates for an https-only test Consul, made the way an operator makes them: `consul tls ca
// create` and `consul tls cert create -server` (server.dc1.consul, localhost, 127.0.0.1 as SANs).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { consulBinary, type ConsulTlsFiles } from './consul.js';

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
