// The test port picker: distinct, bindable ports below the kernel's ephemeral range, so no outgoing
// connection on the machine can take one while a test server restarts on it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePorts } from '../support/ports.js';

test('freePorts: distinct bindable ports below the ephemeral range, never handed out twice', async () => {
  const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const first = await freePorts(40);
  const second = await freePorts(40);
  const all = [...first, ...second];
  assert.equal(new Set(all).size, all.length, 'no port twice');
  for (const port of all) assert.ok(port >= 10_000 && port < ephemeralLow!, `${port} is below the ephemeral range (${ephemeralLow})`);
  for (const port of first.slice(0, 5)) {
    await new Promise<void>((resolve, reject) => {
      const server = createServer().once('error', reject);
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve()));
    });
  }
});
