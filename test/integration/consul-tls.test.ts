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
import { createConsulTlsFiles } from '../support/consul-tls.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';
import type { Kuutamod } from '../support/kuutamod.js';
import { kuutamoctl } from '../support/kuutamoctl.js';
import { failOverBySigterm, waitForStableLeader } from '../support/stable-leader.js';

let cluster: DaemonCluster;
let dir: string;
let tls: ConsulTlsFiles;
let otherCa: string;
let consul: ConsulServer;

before(async () => {
  cluster = await startDaemonCluster('consul-tls-', (tempDir) => {
    tls = createConsulTlsFiles(join(tempDir, 'tls'));
    // A CA of another cluster: valid PEM, but it did not sign this Consul's certificate.
    otherCa = createConsulTlsFiles(join(tempDir, 'other-tls')).caFile;
    return { tls };
  });
  ({ dir, consul } = cluster);
});

after(async () => {
  await cluster?.stop();
});

const startNode = (nodeId: string, caArgs: string[], env: Record<string, string> = {}): Promise<Kuutamod> =>
  cluster.startNode(nodeId, { extraArgs: caArgs, env: { CONSUL_CACERT: '', ...env } });

describe('https-only Consul with a CA from consul tls ca create', () => {
  test('the plain http port is closed: the agent answers https only', async () => {
    assert.match(consul.url, /^https:/);
    const plain = await fetch(consul.url.replace('https:', 'http:') + '/v1/status/leader');
    assert.equal(plain.status, 400, 'Go answers an http request on an https listener with 400');
  });

  test('--consul-ca-file and CONSUL_CACERT: one validates, the standby takes over, kuutamoctl answers', async () => {
    const a = await startNode('tls-a', ['--consul-ca-file', tls.caFile]);
    const b = await startNode('tls-b', [], { CONSUL_CACERT: tls.caFile });
    const [leader, standby] = await waitForStableLeader(a, b, (daemon) => join(dir, daemon.nodeId));

    const byFlag = await kuutamoctl(['--consul-url', consul.url, '--consul-ca-file', tls.caFile, 'active-validator']);
    assert.equal(byFlag.stdout, `Name: ${leader.nodeId}\n`, byFlag.stderr);
    const byEnv = await kuutamoctl(['--consul-url', consul.url, 'active-validator'], { CONSUL_CACERT: tls.caFile });
    assert.equal(byEnv.stdout, `Name: ${leader.nodeId}\n`, byEnv.stderr);

    await failOverBySigterm(leader, standby, join(dir, standby.nodeId));
    const after = await kuutamoctl(['--consul-url', consul.url, 'active-validator'], { CONSUL_CACERT: tls.caFile });
    assert.equal(after.stdout, `Name: ${standby.nodeId}\n`, after.stderr);
    await standby.stop();
  });

  test('a wrong CA: kuutamoctl and the daemon say the certificate is not signed by the CA of --consul-ca-file; the daemon never validates', async () => {
    const ctl = await kuutamoctl(['--consul-url', consul.url, '--consul-ca-file', otherCa, 'active-validator']);
    assert.equal(ctl.code, 1);
    assert.ok(ctl.stderr.includes(`Consul's certificate is not signed by the CA in ${otherCa} (given by --consul-ca-file or $CONSUL_CACERT)`), ctl.stderr);

    const daemon = await startNode('tls-wrong-ca', ['--consul-ca-file', otherCa]);
    const deadline = Date.now() + 30_000;
    const says = new RegExp(`consul session create failed: .*Consul's certificate is not signed by the CA in ${otherCa.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(given by --consul-ca-file`);
    while (!says.test(daemon.log()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(daemon.log(), says);
    const view = await daemon.state();
    assert.equal(view.holdsLock, false);
    assert.notEqual(view.state, 'Validating');
    await daemon.stop();
  });

  test('an unreadable CA file: both name the flag and the file and stop', async () => {
    const notAFile = join(dir, 'ca-is-a-directory');
    mkdirSync(notAFile);
    const ctl = await kuutamoctl(['--consul-url', consul.url, '--consul-ca-file', notAFile, 'active-validator']);
    assert.equal(ctl.code, 1);
    assert.equal(ctl.stderr, `kuutamoctl: error: --consul-ca-file: cannot read ${notAFile} (EISDIR).\n`);

    const missing = join(dir, 'no-such-ca.pem');
    const daemon = await startNode('tls-missing-ca', ['--consul-ca-file', missing]);
    const exit = await daemon.exited;
    assert.equal(exit.code, 1);
    assert.match(daemon.log(), new RegExp(`--consul-ca-file: cannot read ${missing} \\(ENOENT\\)`));
  });
});
