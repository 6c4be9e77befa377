/**
 * kuutamod and kuutamoctl against a real https-only Consul 1.8 whose certificate comes from
 * `consul tls ca create` + `consul tls cert create -server`: the CA from --consul-ca-file or
 * CONSUL_CACERT makes the whole failover work; a wrong CA or an unreadable CA file is a clear
 * error naming the flag or file, and a daemon that cannot verify Consul never validates.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ConsulServer, ConsulTlsFiles } from '../support/consul.js';
import { createConsulTlsFiles, expectTurnedAway, startTlsCluster, type TlsCluster } from '../support/consul-tls.js';
import { expectActiveValidator, kuutamoctl } from '../support/kuutamoctl.js';
import { failOverBySigterm, waitForStableLeader } from '../support/stable-leader.js';

let cluster: TlsCluster;
let dir: string;
let tls: ConsulTlsFiles;
let otherCa: string;
let consul: ConsulServer;

before(async () => {
  cluster = await startTlsCluster('consul-tls-');
  ({ dir, consul, tls } = cluster);
  // A CA of another cluster: valid PEM, but it did not sign this Consul's certificate.
  otherCa = createConsulTlsFiles(join(dir, 'other-tls')).caFile;
});

after(async () => {
  await cluster?.stop();
});

describe('https-only Consul with a CA from consul tls ca create', () => {
  test('the plain http port is closed: the agent answers https only', async () => {
    assert.match(consul.url, /^https:/);
    const plain = await fetch(consul.url.replace('https:', 'http:') + '/v1/status/leader');
    assert.equal(plain.status, 400, 'Go answers an http request on an https listener with 400');
  });

  test('--consul-ca-file and CONSUL_CACERT: one validates, the standby takes over, kuutamoctl answers', async () => {
    const a = await cluster.startTlsNode('tls-a', ['--consul-ca-file', tls.caFile]);
    const b = await cluster.startTlsNode('tls-b', [], { CONSUL_CACERT: tls.caFile });
    const [leader, standby] = await waitForStableLeader(a, b, cluster.homeOf);

    await expectActiveValidator(leader.nodeId, ['--consul-url', consul.url, '--consul-ca-file', tls.caFile]);
    await expectActiveValidator(leader.nodeId, ['--consul-url', consul.url], { CONSUL_CACERT: tls.caFile });

    await failOverBySigterm(leader, standby, cluster.homeOf(standby));
    await expectActiveValidator(standby.nodeId, ['--consul-url', consul.url], { CONSUL_CACERT: tls.caFile });
    await standby.stop();
  });

  test('a wrong CA: kuutamoctl and the daemon say the certificate is not signed by the CA of --consul-ca-file; the daemon never validates', async () => {
    const ctl = await kuutamoctl(['--consul-url', consul.url, '--consul-ca-file', otherCa, 'active-validator']);
    assert.equal(ctl.code, 1);
    assert.ok(ctl.stderr.includes(`Consul's certificate is not signed by the CA in ${otherCa} (given by --consul-ca-file or $CONSUL_CACERT)`), ctl.stderr);

    const daemon = await cluster.startTlsNode('tls-wrong-ca', ['--consul-ca-file', otherCa]);
    await expectTurnedAway(
      daemon,
      new RegExp(`consul session create failed: .*Consul's certificate is not signed by the CA in ${otherCa.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(given by --consul-ca-file`),
    );
  });

  test('an unreadable CA file: both name the flag and the file and stop', async () => {
    const notAFile = join(dir, 'ca-is-a-directory');
    mkdirSync(notAFile);
    const ctl = await kuutamoctl(['--consul-url', consul.url, '--consul-ca-file', notAFile, 'active-validator']);
    assert.equal(ctl.code, 1);
    assert.equal(ctl.stderr, `kuutamoctl: error: --consul-ca-file: cannot read ${notAFile} (EISDIR).\n`);

    const missing = join(dir, 'no-such-ca.pem');
    const daemon = await cluster.startTlsNode('tls-missing-ca', ['--consul-ca-file', missing]);
    const exit = await daemon.exited;
    assert.equal(exit.code, 1);
    assert.match(daemon.log(), new RegExp(`--consul-ca-file: cannot read ${missing} \\(ENOENT\\)`));
  });
});
