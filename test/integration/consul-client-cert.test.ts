/**
 * kuutamod and kuutamoctl against a real https-only Consul 1.8 that requires client certificates
 * (verify_incoming_https): with a certificate from `consul tls cert create -client` (by flag or by
 * CONSUL_CLIENT_CERT / CONSUL_CLIENT_KEY) one daemon validates; without one the daemon never
 * validates and says which flags to give; an expired certificate and an unreadable key are errors
 * naming the flag and the file before anything starts.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClientCertificate, ConsulServer, ConsulTlsFiles } from '../support/consul.js';
import { expectTurnedAway, startClientCertCluster, type ClientCertificates, type TlsCluster } from '../support/consul-tls.js';
import type { Kuutamod } from '../support/kuutamod.js';
import { expectActiveValidator, kuutamoctl } from '../support/kuutamoctl.js';
import { waitForStableLeader } from '../support/stable-leader.js';

let cluster: TlsCluster & ClientCertificates;
let dir: string;
let tls: ConsulTlsFiles;
let client: ClientCertificate;
let expired: ClientCertificate;
let consul: ConsulServer;

before(async () => {
  cluster = await startClientCertCluster('consul-client-cert-');
  ({ dir, consul, tls, client, expired } = cluster);
});

after(async () => {
  await cluster?.stop();
});

const startNode = (nodeId: string, args: string[], env: Record<string, string> = {}): Promise<Kuutamod> =>
  cluster.startTlsNode(nodeId, ['--consul-ca-file', tls.caFile, ...args], env);

/** kuutamoctl's arguments for this Consul (its CA given); the caller's CONSUL_* variables never reach it. */
const ctlArgs = (args: string[]): string[] => ['--consul-url', consul.url, '--consul-ca-file', tls.caFile, ...args];
const ctl = (args: string[], env: Record<string, string> = {}) => kuutamoctl([...ctlArgs(args), 'active-validator'], env);

describe('https Consul that requires client certificates', () => {
  test('a client certificate by flag or by CONSUL_CLIENT_CERT/KEY: one validates, kuutamoctl answers', async () => {
    const a = await startNode('cert-a', ['--consul-client-cert', client.certFile, '--consul-client-key', client.keyFile]);
    const b = await startNode('cert-b', [], { CONSUL_CLIENT_CERT: client.certFile, CONSUL_CLIENT_KEY: client.keyFile });
    const [leader, standby] = await waitForStableLeader(a, b, cluster.homeOf);
    await expectActiveValidator(leader.nodeId, ctlArgs([]), { CONSUL_CLIENT_CERT: client.certFile, CONSUL_CLIENT_KEY: client.keyFile });
    await Promise.all([leader.stop(), standby.stop()]);
  });

  test('no client certificate: never validates, and says the server wants one and which flags give it', async () => {
    const answer = await ctl([]);
    assert.equal(answer.code, 1);
    assert.match(answer.stderr, /Consul requires a client certificate \(verify_incoming_https\) and none was given .*--consul-client-cert and --consul-client-key/);

    const daemon = await startNode('cert-none', []);
    await expectTurnedAway(daemon, /consul session create failed: .*Consul requires a client certificate \(verify_incoming_https\) and none was given .*--consul-client-cert and --consul-client-key/);
  });

  test('an expired certificate or an unreadable key: an error naming the flag and the file, before anything starts', async () => {
    const expiredCtl = await ctl(['--consul-client-cert', expired.certFile, '--consul-client-key', expired.keyFile]);
    assert.equal(expiredCtl.code, 1);
    assert.match(expiredCtl.stderr, new RegExp(`--consul-client-cert: the certificate in ${expired.certFile} expired on .*consul tls cert create -client`));
    const expiredDaemon = await startNode('cert-expired', ['--consul-client-cert', expired.certFile, '--consul-client-key', expired.keyFile]);
    assert.equal((await expiredDaemon.exited).code, 1);
    assert.match(expiredDaemon.log(), new RegExp(`--consul-client-cert: the certificate in ${expired.certFile} expired on`));

    const notAFile = join(dir, 'key-is-a-directory');
    mkdirSync(notAFile);
    const keyDaemon = await startNode('cert-bad-key', ['--consul-client-cert', client.certFile, '--consul-client-key', notAFile]);
    assert.equal((await keyDaemon.exited).code, 1);
    assert.match(keyDaemon.log(), new RegExp(`--consul-client-key: cannot read ${notAFile} \\(EISDIR\\)`));
    const fromEnv = await ctl([], { CONSUL_CLIENT_CERT: client.certFile, CONSUL_CLIENT_KEY: notAFile });
    assert.equal(fromEnv.stderr, `kuutamoctl: error: --consul-client-key (from CONSUL_CLIENT_KEY): cannot read ${notAFile} (EISDIR).\n`);
    // The key of another certificate is named as such.
    const mismatch = await ctl(['--consul-client-cert', client.certFile, '--consul-client-key', expired.keyFile]);
    assert.match(mismatch.stderr, new RegExp(`--consul-client-key: ${expired.keyFile} is not the private key of the certificate in ${client.certFile}`));
  });
});
