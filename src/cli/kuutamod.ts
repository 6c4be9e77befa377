/** `kuutamod`: the failover supervisor daemon. Options and their checks live in src/settings.ts. */
import { runDaemon } from '../daemon.js';
import { buildCommand, givenFlags, resolveSettings } from '../settings.js';
import { runCli } from './run-cli.js';

const command = buildCommand(
  'kuutamod',
  'Failover supervisor for NEAR validators: runs neard with the validator key only while this node holds the Consul lock.\n' +
    'Every option can also be set by the environment variable shown next to it.',
);

runCli('kuutamod', async () => {
  command.parse();
  return runDaemon(resolveSettings(givenFlags(command), process.env));
});
