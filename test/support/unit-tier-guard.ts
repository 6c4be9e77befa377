// Loaded into every test process by `npm test` and `npm run test:unit` (node --import, package.json).
// In a file of test/unit/ or test/model/ (pure too, only slower) it makes starting a process, listening on a port, connecting or binding a
// socket throw, so the unit tier stays pure and fast even when an import does one of these out of
// sight; eslint.config.js refuses the direct imports. Other tiers are left alone.
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { sep } from 'node:path';

const testFile = process.argv[1] ?? '';

function refuse(what: string): () => never {
  return () => {
    throw new Error(
      `${what} in a unit test (${testFile}): unit tests are pure; a test that starts a process, opens a port or sleeps ` +
        'belongs in test/integration/ (docs/architecture.md, "Test tiers").',
    );
  };
}

if ([`unit`, `model`].some((tier) => testFile.includes(`${sep}dist${sep}test${sep}${tier}${sep}`))) {
  // defineProperty: a replacement need not (and cannot) match every overload of the function it replaces.
  const replace = (target: object, name: string, what: string) => Object.defineProperty(target, name, { value: refuse(what) });
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) replace(childProcess, name, `child_process.${name}`);
  replace(net.Server.prototype, 'listen', 'listening on a port');
  replace(net.Socket.prototype, 'connect', 'opening a connection');
  replace(dgram.Socket.prototype, 'bind', 'binding a UDP socket');
  // `import { spawn } from 'node:child_process'` reads the ESM bindings: bring them in line with the above.
  syncBuiltinESMExports();
}
