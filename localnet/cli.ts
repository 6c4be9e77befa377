#!/usr/bin/env node
/**
 * The localnet's command line (compiled to dist/localnet/cli.js):
 *   start    set up and run everything (npm start); Ctrl-C stops it all
 *   setup    create <data>/ and print each process's command (npm run localnet:setup)
 *   command  print one process's command line, shell-quoted (used by localnet/bin/proc)
 *   fault    put a machine into a gray failure or halt the chain (npm run localnet:fault -- TARGET FAULT)
 *   clean    remove the data dir (npm run localnet:clean)
 * --data-dir DIR (or $LOCALNET_DATA_DIR) picks the data dir; default <repo>/.data.
 * --any-ports: no well-known ports (tests; a second localnet beside a first).
 */
import { rmSync } from 'node:fs';
import { Command } from 'commander';
import { errorMessage } from '../services/error-message.js';
import { FAULT_TARGETS, FaultUsageError, switchFault } from './fault.js';
import { setupText } from './instructions.js';
import { layout, resolveDataDir, type Layout } from './paths.js';
import { loadPlan, processByName } from './plan.js';
import { assertNotRunning } from './running.js';
import { setupLocalnet } from './setup.js';
import { commandLine } from './shell.js';
import { startLocalnet } from './start.js';

function withLayout(program: Command): Layout {
  return layout(resolveDataDir(program.opts<{ dataDir?: string }>().dataDir));
}

async function main(): Promise<number> {
  let exitCode = 0;
  const program = new Command('localnet')
    .description('A local NEAR validator network with two kuutamods failing over')
    .option('--data-dir <dir>', 'where homes, plan and logs live (env: LOCALNET_DATA_DIR)')
    .option('--any-ports', "kernel-picked free ports only, not the tutorial's 8500, 2233, 24567...");
  const anyPorts = (): boolean => program.opts<{ anyPorts?: boolean }>().anyPorts === true;
  program.command('start').description('set up and run consul, node0..node2, kuutamod0, kuutamod1').action(async () => {
    exitCode = await startLocalnet(withLayout(program), !anyPorts());
  });
  program.command('setup').description('create the data dir and print every command').action(async () => {
    const plan = await setupLocalnet(withLayout(program), (line) => void process.stdout.write(`${line}\n`), !anyPorts());
    process.stdout.write(`${setupText(plan)}\n`);
  });
  program.command('command').argument('<name>', 'a Procfile entry').description("print a process's command line").action((name: string) => {
    const spec = processByName(loadPlan(withLayout(program)), name);
    process.stdout.write(`${commandLine(spec.argv, spec.env)}\n`);
  });
  program.command('fault')
    .argument('<target>', FAULT_TARGETS.join(' | '))
    .argument('<fault>', 'isolated | mute | flaky | none; for chain: stall | none')
    .description("put a machine's neard into a gray failure, or halt the whole chain (the neard stand-in's faults)")
    .action(async (target: string, fault: string) => {
      const l = withLayout(program);
      try {
        process.stdout.write(`${await switchFault(l, loadPlan(l), target, fault)}\n`);
      } catch (error) {
        if (!(error instanceof FaultUsageError)) throw error;
        process.stderr.write(`localnet fault: error: ${error.message}\n`);
        exitCode = 2;
      }
    });
  program.command('clean').description('remove the data dir (refused while a localnet runs on it)').action(() => {
    const l = withLayout(program);
    assertNotRunning(l);
    rmSync(l.dataDir, { recursive: true, force: true });
    process.stdout.write(`removed ${l.dataDir}\n`);
  });
  await program.parseAsync();
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`localnet: error: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
