/**
 * Checks of the client certificate and key for a Consul that requires them (verify_incoming_https),
 * made before anything starts: Consul would only answer a bad pair with a closed TLS connection, so
 * an expired certificate, a file that is not PEM, a key of another certificate, or one of the two
 * given without the other is said here, naming the flag and the file, with what to do.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OperatorError } from './errors.js';

export interface ClientCertificateFiles {
  clientCert?: string;
  clientKey?: string;
}

const MAKE_ONE = 'make one with `consul tls cert create -client` (or your CA)';

/** Throws an OperatorError naming the flag and file when the pair cannot work; returns it unchanged. */
export function checkClientCertificate(files: ClientCertificateFiles, now = new Date()): ClientCertificateFiles {
  const { clientCert, clientKey } = files;
  if (clientCert === undefined && clientKey === undefined) return files;
  if (clientCert === undefined || clientKey === undefined) {
    throw new OperatorError(
      `--consul-client-cert and --consul-client-key go together (or $CONSUL_CLIENT_CERT and $CONSUL_CLIENT_KEY): only ${clientCert ? `the certificate ${clientCert}` : `the key ${clientKey!}`} was given.`,
    );
  }
  const certificate = parse(() => new X509Certificate(readFileSync(clientCert)), `--consul-client-cert: ${clientCert} is not a PEM certificate`);
  if (now.getTime() > Date.parse(certificate.validTo)) {
    throw new OperatorError(`--consul-client-cert: the certificate in ${clientCert} expired on ${certificate.validTo}: ${MAKE_ONE}.`);
  }
  if (now.getTime() < Date.parse(certificate.validFrom)) {
    throw new OperatorError(`--consul-client-cert: the certificate in ${clientCert} is not valid before ${certificate.validFrom}: check this machine's clock.`);
  }
  const key = parse<KeyObject>(() => createPrivateKey(readFileSync(clientKey)), `--consul-client-key: ${clientKey} is not a PEM private key`);
  if (!certificate.checkPrivateKey(key)) {
    throw new OperatorError(`--consul-client-key: ${clientKey} is not the private key of the certificate in ${clientCert} (--consul-client-cert).`);
  }
  return files;
}

function parse<T>(read: () => T, failure: string): T {
  try {
    return read();
  } catch (error) {
    throw new OperatorError(`${failure} (${(error as Error).message}).`);
  }
}
