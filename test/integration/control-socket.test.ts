/** The local control socket: where it is, who may use it, and that kuutamoctl's discovery finds it. */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { controlRequest, controlSocketPath } from '../../src/cli/control-client.js';
import { startDaemonCluster, type DaemonCluster } from '../support/daemon-cluster.js';

let cluster: DaemonCluster;

before(async () => {
  cluster = await startDaemonCluster('kuutamod-control-');
});

after(async () => {
  await cluster.stop();
});

describe('control socket', () => {
  test('listens in the neard home, mode 0600, answers GET /v1/node, and is removed at exit', async () => {
    const daemon = await cluster.startNode('node0');
    await daemon.waitFor((v) => v.state !== 'Startup', 'started');
    const home = join(cluster.dir, 'node0');
    const path = controlSocketPath({}, { KUUTAMO_NEARD_HOME: home });
    assert.equal(path, join(home, 'kuutamod.sock'));
    const stats = statSync(path);
    assert.ok(stats.isSocket(), 'a unix socket');
    assert.equal(stats.mode & 0o777, 0o600);
    const answer = await controlRequest<{ nodeId: string; accountId: string }>(path, 'GET', '/v1/node');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.nodeId, 'node0');
    await daemon.stop();
    assert.throws(() => statSync(path), /ENOENT/);
    await assert.rejects(controlRequest(path, 'GET', '/v1/node'), /no kuutamod listens there/);
  });
});
