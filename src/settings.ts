/**
 * kuutamod's settings: every flag and KUUTAMO_* variable of the Rust kuutamod with the same defaults,
 * plus this daemon's additions (neard binary, timings, log format, Consul token file).
 * Everything is checked here, before anything starts, with messages that name the flag and the file.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_TIMINGS, type FailoverTimings } from '../machines/failover-timings.js';
import type { NeardKeys } from '../services/neard-home.js';
import { parseDuration } from './duration.js';
import { OperatorError } from './errors.js';
import { readNearKeyFile } from './key-file.js';
import { readNeardHome, splitHostPort } from './neard-config.js';
import { readConsulToken } from './consul-token.js';

export type LogFormat = 'json' | 'logfmt';

export interface Settings {
  consulUrl: string;
  consulToken?: string;
  consulCaFile?: string;
  nodeId: string;
  accountId: string;
  exporter: { host: string; port: number };
  neardHome: string;
  neardBin: string;
  keys: NeardKeys;
  validatorNetworkAddr: string;
  voterNetworkAddr: string;
  bootNodes?: string;
  /** Where neard's /status is queried (from config.json rpc.addr). */
  rpcUrl: string;
  timings: FailoverTimings;
  logFormat: LogFormat;
  /** Promote by SIGHUP key hot swap (neard >= 2.x) instead of restarting neard. */
  hotSwap: boolean;
  /** Stately inspector relay to stream the actor system to (true: the default relay URL). */
  inspect?: string | true;
}

interface OptionSpec {
  flags: string;
  env: string;
  description: string;
  default?: string;
}

/** The options of Rust kuutamod, same names, variables and defaults. */
export const KUUTAMOD_OPTIONS: OptionSpec[] = [
  { flags: '--consul-url <url>', env: 'KUUTAMO_CONSUL_URL', default: 'http://localhost:8500', description: 'Consul HTTP API URL' },
  { flags: '--node-id <id>', env: 'KUUTAMO_NODE_ID', default: 'node', description: 'name of this node in logs and as the Consul session name' },
  { flags: '--account-id <id>', env: 'KUUTAMO_ACCOUNT_ID', default: 'default', description: 'validator account; the lock key is kuutamod-leader/<account-id>' },
  { flags: '--exporter-address <addr>', env: 'KUUTAMO_EXPORTER_ADDRESS', default: '127.0.0.1:2233', description: 'address of the HTTP server (/metrics, /health, /neard-pid, /state)' },
  { flags: '--neard-home <dir>', env: 'KUUTAMO_NEARD_HOME', default: '.', description: "neard's home; must already hold config.json and genesis.json" },
  { flags: '--validator-key <file>', env: 'KUUTAMO_VALIDATOR_KEY', description: 'validator_key.json of the pool (default: $CREDENTIALS_DIRECTORY/validator_key.json)' },
  { flags: '--validator-node-key <file>', env: 'KUUTAMO_VALIDATOR_NODE_KEY', description: 'node key used while validating (default: $CREDENTIALS_DIRECTORY/validator_node_key.json)' },
  { flags: '--voter-node-key <file>', env: 'KUUTAMO_VOTER_NODE_KEY', description: "this machine's own node key, used while not validating (default: $CREDENTIALS_DIRECTORY/voter_node_key.json)" },
  { flags: '--validator-network-addr <addr>', env: 'KUUTAMO_VALIDATOR_NETWORK_ADDR', default: '0.0.0.0:24567', description: 'network.addr of neard while validating' },
  { flags: '--voter-network-addr <addr>', env: 'KUUTAMO_VOTER_NETWORK_ADDR', default: '0.0.0.0:24568', description: 'network.addr of neard while not validating' },
  { flags: '--near-boot-nodes <nodes>', env: 'KUUTAMO_NEARD_BOOTNODES', description: 'passed to neard run --boot-nodes' },
];

/** This daemon's additions; all optional. Timings default to kuutamod's. */
export const EXTRA_OPTIONS: OptionSpec[] = [
  { flags: '--neard-bin <path>', env: 'KUUTAMO_NEARD_BIN', default: 'neard', description: 'neard binary (looked up in PATH)' },
  { flags: '--consul-token-file <file>', env: 'KUUTAMO_CONSUL_TOKEN_FILE', description: 'file holding the Consul ACL token (default: $CONSUL_HTTP_TOKEN)' },
  { flags: '--consul-ca-file <file>', env: 'KUUTAMO_CONSUL_CA_FILE', description: 'CA certificate (PEM) for an https --consul-url (default: $CONSUL_CACERT)' },
  { flags: '--log-format <format>', env: 'KUUTAMO_LOG_FORMAT', default: 'json', description: 'json (pino) or logfmt (as Rust kuutamod)' },
  { flags: '--validator-key-hot-swap', env: 'KUUTAMO_VALIDATOR_KEY_HOT_SWAP', description: 'promote by making the running neard (>= 2.x) re-read validator_key.json on SIGHUP instead of restarting it; demotion still restarts' },
  { flags: '--inspect [url]', env: 'KUUTAMO_INSPECT', description: 'stream the actor system to a Stately inspector relay (default ws://127.0.0.1:8080, see docs/inspector.md)' },
  { flags: '--session-ttl <duration>', env: 'KUUTAMO_SESSION_TTL', default: '30s', description: 'Consul session TTL (10s..24h)' },
  { flags: '--session-renew-interval <duration>', env: 'KUUTAMO_SESSION_RENEW_INTERVAL', default: '10s', description: 'pause between session renewals' },
  { flags: '--step-down-after <duration>', env: 'KUUTAMO_STEP_DOWN_AFTER', default: '25s', description: 'a validator without a successful renewal for this long stops validating' },
  { flags: '--lock-acquire-interval <duration>', env: 'KUUTAMO_LOCK_ACQUIRE_INTERVAL', default: '30s', description: 'fallback poll of the leader lock; a Consul blocking query on the key wakes a standby at once' },
  { flags: '--status-interval <duration>', env: 'KUUTAMO_STATUS_INTERVAL', default: '1s', description: "pause between queries of neard's /status" },
  { flags: '--startup-timeout <duration>', env: 'KUUTAMO_STARTUP_TIMEOUT', default: '120s', description: 'how long a starting neard may take to answer /status (3 tries)' },
  { flags: '--fence-margin <duration>', env: 'KUUTAMO_FENCE_MARGIN', default: '2s', description: 'a validating neard is killed this long before its session could expire (last renewal + TTL)' },
  { flags: '--neard-stop-timeout <duration>', env: 'KUUTAMO_NEARD_STOP_TIMEOUT', default: '60s', description: 'grace period between SIGTERM and SIGKILL when stopping neard' },
];

export function buildCommand(name: string, description: string): Command {
  const command = new Command(name).description(description).helpOption('-h, --help', 'show this help');
  for (const spec of [...KUUTAMOD_OPTIONS, ...EXTRA_OPTIONS]) {
    const option = new Option(spec.flags, spec.description).env(spec.env);
    command.addOption(spec.default === undefined ? option : option.default(spec.default));
  }
  return command;
}

type RawOptions = Record<string, unknown>;

/** A string option's value (commander gives strings, booleans for switches, undefined when unset). */
function text(raw: RawOptions, optionName: string): string | undefined {
  const value = raw[optionName];
  return typeof value === 'string' ? value : undefined;
}

/** Flag value, else the systemd credential of that name, else an error naming the flag. */
function keyPath(raw: RawOptions, optionName: string, flag: string, env: string, credential: string, environment: NodeJS.ProcessEnv): string {
  const given = text(raw, optionName);
  if (given) return resolve(given);
  const credentials = environment.CREDENTIALS_DIRECTORY;
  if (credentials) return resolve(join(credentials, credential));
  throw new OperatorError(`${flag} (or ${env}) is required: no key file given and CREDENTIALS_DIRECTORY is not set.`);
}

function duration(raw: RawOptions, optionName: string, flag: string): number {
  try {
    return parseDuration(text(raw, optionName) ?? '');
  } catch (error) {
    throw new OperatorError(`${flag}: ${(error as Error).message}.`);
  }
}

function address(raw: RawOptions, optionName: string, flag: string): string {
  const value = text(raw, optionName) ?? '';
  try {
    splitHostPort(value);
  } catch (error) {
    throw new OperatorError(`${flag}: ${(error as Error).message}.`);
  }
  return value;
}

/** Turn parsed flags (commander's `opts()`) and the environment into checked settings. */
export function resolveSettings(raw: RawOptions, environment: NodeJS.ProcessEnv = process.env): Settings {
  const keys: NeardKeys = {
    validatorKey: keyPath(raw, 'validatorKey', '--validator-key', 'KUUTAMO_VALIDATOR_KEY', 'validator_key.json', environment),
    validatorNodeKey: keyPath(raw, 'validatorNodeKey', '--validator-node-key', 'KUUTAMO_VALIDATOR_NODE_KEY', 'validator_node_key.json', environment),
    voterNodeKey: keyPath(raw, 'voterNodeKey', '--voter-node-key', 'KUUTAMO_VOTER_NODE_KEY', 'voter_node_key.json', environment),
  };
  readNearKeyFile(keys.validatorKey, '--validator-key');
  readNearKeyFile(keys.validatorNodeKey, '--validator-node-key');
  readNearKeyFile(keys.voterNodeKey, '--voter-node-key');

  const neardHome = resolve(text(raw, 'neardHome') ?? '.');
  const { rpcUrl } = readNeardHome(neardHome);

  const consulUrl = text(raw, 'consulUrl') ?? 'http://localhost:8500';
  try {
    new URL(consulUrl);
  } catch {
    throw new OperatorError(`--consul-url: '${consulUrl}' is not a URL (example: http://localhost:8500).`);
  }
  const consulToken = readConsulToken(text(raw, 'consulTokenFile'), environment);

  const consulCaFile = text(raw, 'consulCaFile') || environment.CONSUL_CACERT || undefined;
  if (consulCaFile) {
    try {
      readFileSync(consulCaFile);
    } catch (error) {
      throw new OperatorError(`--consul-ca-file: cannot read ${consulCaFile} (${(error as NodeJS.ErrnoException).code}).`);
    }
  }

  const logFormat = text(raw, 'logFormat') ?? 'json';
  if (logFormat !== 'json' && logFormat !== 'logfmt') throw new OperatorError(`--log-format: '${logFormat}' must be json or logfmt.`);

  const timings: FailoverTimings = {
    ...DEFAULT_TIMINGS,
    sessionTtlMs: duration(raw, 'sessionTtl', '--session-ttl'),
    sessionRenewIntervalMs: duration(raw, 'sessionRenewInterval', '--session-renew-interval'),
    stepDownAfterMs: duration(raw, 'stepDownAfter', '--step-down-after'),
    lockAcquireIntervalMs: duration(raw, 'lockAcquireInterval', '--lock-acquire-interval'),
    statusIntervalMs: duration(raw, 'statusInterval', '--status-interval'),
    startupTimeoutMs: duration(raw, 'startupTimeout', '--startup-timeout'),
    neardStopTimeoutMs: duration(raw, 'neardStopTimeout', '--neard-stop-timeout'),
    fenceMarginMs: duration(raw, 'fenceMargin', '--fence-margin'),
  };
  if (timings.sessionTtlMs < 10_000 || timings.sessionTtlMs > 86_400_000) {
    throw new OperatorError('--session-ttl: Consul accepts session TTLs from 10s to 24h.');
  }
  const fenceAt = timings.sessionTtlMs - timings.fenceMarginMs;
  if (timings.sessionRenewIntervalMs >= timings.stepDownAfterMs || timings.stepDownAfterMs >= fenceAt) {
    throw new OperatorError(
      '--session-renew-interval < --step-down-after < --session-ttl minus --fence-margin must hold, or a validator could outlive its lock.',
    );
  }

  const bootNodes = text(raw, 'nearBootNodes');
  const inspect = raw.inspect === true ? true : text(raw, 'inspect');
  if (typeof inspect === 'string' && !/^wss?:\/\//.test(inspect)) {
    throw new OperatorError(`--inspect: '${inspect}' is not a ws:// or wss:// URL of an inspector relay (see docs/inspector.md).`);
  }
  return {
    consulUrl,
    ...(consulToken ? { consulToken } : {}),
    ...(consulCaFile ? { consulCaFile: resolve(consulCaFile) } : {}),
    nodeId: text(raw, 'nodeId') ?? 'node',
    accountId: text(raw, 'accountId') ?? 'default',
    exporter: splitHostPort(address(raw, 'exporterAddress', '--exporter-address')),
    neardHome,
    neardBin: text(raw, 'neardBin') ?? 'neard',
    keys,
    validatorNetworkAddr: address(raw, 'validatorNetworkAddr', '--validator-network-addr'),
    voterNetworkAddr: address(raw, 'voterNetworkAddr', '--voter-network-addr'),
    ...(bootNodes ? { bootNodes } : {}),
    rpcUrl,
    timings,
    logFormat,
    hotSwap: raw.validatorKeyHotSwap === true,
    ...(inspect ? { inspect } : {}),
  };
}
