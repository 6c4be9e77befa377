#!/usr/bin/env node
/**
 * neard stand-in: behaves like nearcore's `neard` on every interface the supervisor uses
 * (CLI, home layout and file formats, network.addr / rpc.addr listeners, GET /status,
 * GET /health, GET /metrics, JSON-RPC `status` and `maintenance_windows`, signals, stderr log
 * lines), without a blockchain.
 *
 * CLI (global options go before the subcommand, as with clap):
 *   neard [--home DIR] run [--boot-nodes LIST] [--network-addr A] [--rpc-addr A] [--disable-rpc] ...
 *   neard [--home DIR] localnet [-v|--validators|--v N] [-n|--non-validators|--n N] [-s|--shards N]
 *                               [--non-validators-archival N] [--non-validators-rpc N] [--prefix node]
 *                               [--tracked-shards all|none|0,1]
 *   neard [--home DIR] init [--chain-id ID] [--account-id ACC] [--test-seed S] [--boot-nodes LIST] ...
 *   neard [--home DIR] standin-fault [--validator-log FILE] isolated|mute|flaky|none   (stand-in only: gray failures)
 *   neard standin-fault [--validator-log FILE] --chain stall|run                       (stand-in only: halt the chain)
 *   neard --version
 *
 * Environment knobs (times in milliseconds):
 *   NEARD_STANDIN_SYNC_MS          time reported as `syncing: true` after the ports are up (3000)
 *   NEARD_STANDIN_STOP_DELAY_MS    graceful shutdown time after SIGTERM/SIGINT (500)
 *   NEARD_STANDIN_VALIDATOR_STOP_DELAY_FILE  a file with the shutdown time (ms) of a process holding
 *                                  the validator key when it stops; empty/absent: the one above
 *   NEARD_STANDIN_BLOCK_MS         block interval; the head height grows by one per interval (1000)
 *   NEARD_STANDIN_STARTUP_DELAY_MS delay before network.addr and rpc.addr are bound (0)
 *   NEARD_STANDIN_VALIDATOR_LOG    file to which one JSON line is appended per validating
 *                                  period boundary: {event: "validator_start"|"validator_stop",
 *                                  pid, account_id, public_key, home, t_ms}; start is written
 *                                  before the node holds the key, stop when it lets go of it
 *                                  (SIGHUP key removal or process exit; none on SIGKILL);
 *                                  start records carry `synced` (startup sync over?), and each
 *                                  process's sync end is appended to <log>.synced.
 *                                  Faults (standin-fault) are read from <log>.faults, else from
 *                                  <home>/standin-faults.jsonl (README.md, "Faults").
 *   NEARD_STANDIN_EPOCH_LENGTH     epoch_length written by `localnet` (60) and `init` (43200)
 *   NEARD_STANDIN_SCHEDULE         account:PATTERN[;...]: block/chunk duties per account (README.md)
 *   NEARD_STANDIN_WINDOWS_SHAPE    maintenance windows as `ranges` ({start,end}) or `pairs` ([s,e])
 *   NEARD_STANDIN_WINDOWS_RPC      stable | experimental | absent | error | garbage
 *   NEARD_STANDIN_VALIDATORS_RPC   stable | absent | error | garbage
 * Exit codes: 0 after a graceful stop, 101 (a Rust panic) on bad config / busy port /
 * locked database, 2 on command-line usage errors, 1 when `init` fails.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readKnobs } from './env.js';
import { registerStandinFault } from './fault-cli.js';
import { initHome } from './init.js';
import { initLocalnet } from './localnet.js';
import { panic } from './log.js';
import { runNode } from './run.js';
import { NEARD_VERSION_STRING } from './version.js';

function count(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** clap accepts `--v 4` / `--n 2` as aliases of --validators / --non-validators. */
function expandAliases(argv: string[]): string[] {
  const aliases: Record<string, string> = { '--v': '--validators', '--n': '--non-validators' };
  return argv.map((arg) => {
    const [flag, ...rest] = arg.split('=');
    const long = flag !== undefined ? aliases[flag] : undefined;
    return long === undefined ? arg : [long, ...rest].join('=');
  });
}

function buildCli(): Command {
  const program = new Command('neard')
    .description('NEAR Protocol Node (stand-in)')
    .version(`neard ${NEARD_VERSION_STRING}`, '-V, --version', 'Print version')
    .option('--home <dir>', 'Directory for config and data', join(homedir(), '.near'))
    .option('--verbose [target]', 'Sets verbose logging for the given target (deprecated)')
    .option('--unsafe-fast-startup', 'Skips consistency checks of genesis.json upon startup')
    .enablePositionalOptions()
    .exitOverride();
  const home = (): string => program.opts<{ home: string }>().home;

  program.command('run').description('Runs NEAR node')
    .option('--archive', 'Configure node to run as archival node')
    .option('--boot-nodes <list>', 'Set the boot nodes to bootstrap network from')
    .option('--min-peers <n>', 'Minimum number of peers to start syncing/producing blocks', count)
    .option('--network-addr <addr>', 'Customize network listening address')
    .option('--rpc-addr <addr>', 'Customize RPC listening address')
    .option('--rpc-prometheus-addr <addr>', 'Export prometheus metrics on an additional address')
    .option('--disable-rpc', 'Disable the RPC endpoint')
    .option('--telemetry-url <url>', 'Customize telemetry url')
    .option('--produce-empty-blocks <bool>', 'Only produce blocks with txs when false')
    .option('--connect-to-reliable-peers-on-startup <bool>', 'Reconnect to stored peers on startup')
    .option('--max-gas-burnt-view <gas>', 'Customize max_gas_burnt_view runtime limit', count)
    .action(async (o: { bootNodes?: string; networkAddr?: string; rpcAddr?: string; disableRpc?: boolean }) => {
      let knobs;
      try {
        knobs = readKnobs();
      } catch (err) {
        return panic('localnet/neard/env.ts', (err as Error).message);
      }
      await runNode({ home: home(), ...o }, knobs);
    });

  program.command('localnet')
    .description('Sets up local configuration with all necessary files (validator key, node key, genesis and config)')
    .option('-s, --shards <n>', 'Number of shards', count, 1)
    .option('-v, --validators <n>', 'Number of validators (alias --v)', count, 4)
    .option('--non-validators-archival <n>', 'Number of non-validator archival nodes', count, 0)
    .option('--non-validators-rpc <n>', 'Number of non-validator RPC nodes', count, 0)
    .option('-n, --non-validators <n>', 'Number of non-validators (alias --n)', count, 0)
    .option('--prefix <prefix>', 'Prefix for the directory name of each node', 'node')
    .option('--tracked-shards <spec>', "Comma separated shards to track, 'all' or 'none'", 'all')
    .action(async (o: { shards: number; validators: number; nonValidatorsArchival: number;
      nonValidatorsRpc: number; nonValidators: number; prefix: string; trackedShards: string }) => {
      await initLocalnet({ home: home(), ...o });
    });

  program.command('init').description('Initializes NEAR configuration')
    .option('--download-genesis', 'Download the verified NEAR genesis file (unsupported here)')
    .addOption(new Option('--download-config [type]', 'Download the verified NEAR config file (unsupported here)'))
    .option('--fast', 'Makes block production fast (TESTING ONLY)')
    .option('--account-id <id>', 'Account ID for the validator key')
    .option('--chain-id <id>', 'Chain ID, by default creates new random')
    .option('--download-genesis-url <url>', 'Custom genesis download URL (unsupported here)')
    .option('--download-records-url <url>', 'Custom records download URL (unsupported here)')
    .option('--download-config-url <url>', 'Custom config download URL (unsupported here)')
    .option('--genesis <file>', 'Genesis file to use when initializing testnet')
    .option('--boot-nodes <list>', 'Boot nodes in <node_key>@<ip_addr> format separated by commas')
    .option('--num-shards <n>', 'Number of shards to initialize the chain with', count, 1)
    .option('--test-seed <seed>', 'Specify private key generated from seed (TESTING ONLY)')
    .option('--max-gas-burnt-view <gas>', 'Customize max_gas_burnt_view runtime limit', count)
    .action((o: Record<string, unknown>) => {
      try {
        initHome({
          home: home(),
          chainId: o['chainId'] as string | undefined,
          accountId: o['accountId'] as string | undefined,
          testSeed: o['testSeed'] as string | undefined,
          bootNodes: o['bootNodes'] as string | undefined,
          numShards: o['numShards'] as number,
          fast: o['fast'] === true,
          genesis: o['genesis'] as string | undefined,
          download: ['downloadGenesis', 'downloadConfig', 'downloadGenesisUrl', 'downloadRecordsUrl', 'downloadConfigUrl']
            .some((k) => o[k] !== undefined),
        });
      } catch (err) {
        // anyhow's report from a failing main(): exit code 1.
        process.stderr.write(`Error: Failed to initialize configs\n\nCaused by:\n    ${(err as Error).message}\n`);
        process.exit(1);
      }
    });

  registerStandinFault(program, home);
  return program;
}

async function main(): Promise<void> {
  process.on('uncaughtException', (err) => panic('localnet/neard', String(err?.stack ?? err)));
  const program = buildCli();
  try {
    await program.parseAsync(expandAliases(process.argv.slice(2)), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // clap: --help / --version exit 0, usage errors (and a missing subcommand) exit 2.
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
      process.exit(ok ? 0 : 2);
    }
    throw err;
  }
}

void main();
