/**
 * kuutamod's settings: every flag and KUUTAMO_* variable of the Rust kuutamod with the same defaults,
 * plus this daemon's additions (neard binary, timings, log format, Consul token, CA and client
 * certificate, role-change hook).
 * Each option is declared once, in the tables below: flag, variable, default and parser. --help,
 * docs/configuration.md, kuutamod and kuutamoctl all read them, so none can drift from another.
 * Everything is checked here, before anything starts, with messages that name the flag and the file.
 */
import { Command, Option } from 'commander';
import { DEFAULT_TIMINGS, type FailoverTimings } from '../machines/failover-timings.js';
import type { ConsulEndpoint } from '../services/consul/client.js';
import type { NeardKeys } from '../services/neard/home.js';
import { DEFAULT_SERVICE_TIMINGS } from '../services/service-timings.js';
import { checkClientCertificate } from './consul-tls-files.js';
import { controlSocketPath } from './control-socket-path.js';
import { formatDuration } from './duration.js';
import { OperatorError } from './errors.js';
import { readNeardHome } from './neard-config.js';
import * as parsers from './option-parsers.js';
import type { OptionParser } from './option-parsers.js';

export type LogFormat = 'json' | 'logfmt';

export interface Settings {
  consulUrl: string;
  consulToken?: string;
  /** The file the token came from, re-read on SIGUSR1 (token rotation); undefined for $CONSUL_HTTP_TOKEN. */
  consulTokenFile?: string;
  consulCaFile?: string;
  /** Client certificate and key (PEM) for a Consul that requires them (verify_incoming_https). */
  consulClientCert?: string;
  consulClientKey?: string;
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
  /** Command run on every change of role (src/role-change-hook.ts), if any. */
  onRoleChange?: string;
  /** A hook still running after this long is killed (SIGTERM, then SIGKILL, to its process group). */
  onRoleChangeTimeoutMs: number;
  /** The local control socket (src/control-server.ts): --control-socket, else kuutamod.sock in the neard home. */
  controlSocket: string;
  /** Group that may use the control socket too (mode 0660); undefined: owner only (0600). */
  controlSocketGroup?: string;
  /** How often the pool member record is rewritten in Consul (its session's TTL is three of these). */
  memberPublishIntervalMs: number;
  /** A standby contends only within this many blocks of the pool's best head (unless no eligible member is left). */
  maxLagBlocks: number;
  /** Never take the lock (a node kept for maintenance); it still syncs and publishes its record. */
  noFailover: boolean;
  /** Among eligible standbys the higher priority takes the lock first. */
  failoverPriority: number;
  /** Production health (issue 17, docs/failover-algorithm.md "Production health"). */
  productionStallMs: number;
  productionMissesInARow: number;
  productionGraceMs: number;
  productionHoldMs: number;
  productionCheckIntervalMs: number;
  /** Judge and report production, but never ask for a move. */
  noProductionFailover: boolean;
}

export interface OptionSpec<T = unknown> {
  /** commander's flag syntax: `--name <value>`, `--name [value]` or a bare `--switch`. */
  flags: string;
  env: string;
  description: string;
  /** Rust kuutamod's own option (same name, variable and default), or one this daemon adds. */
  from: 'kuutamod' | 'addition';
  /** The literal default as an operator would write it; the parser's `fallback` covers the rest. */
  default?: string;
  parser: OptionParser<T>;
}

type OptionTable = Record<string, OptionSpec<unknown>>;
/** What resolving a table yields: each option's parsed value under the table's own key. */
export type OptionValues<Table extends OptionTable> = { [Key in keyof Table]: Table[Key] extends OptionSpec<infer T> ? T : never };

/** Identity, so each entry's value type is inferred from its parser. */
const option = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;

/**
 * Consul connection: shared by kuutamod and kuutamoctl. Keys are the Settings fields they fill, but for
 * consulTokenFile, which fills consulToken and consulTokenFile (see resolveConsulConnection).
 */
export const CONSUL_OPTIONS = {
  consulUrl: option({ from: 'kuutamod', flags: '--consul-url <url>', env: 'KUUTAMO_CONSUL_URL', default: 'http://localhost:8500', description: 'Consul HTTP API URL', parser: parsers.url }),
  consulTokenFile: option({ from: 'addition', flags: '--consul-token-file <file>', env: 'KUUTAMO_CONSUL_TOKEN_FILE', description: 'file holding the Consul ACL token; kuutamod re-reads it on SIGUSR1', parser: parsers.consulTokenFile }),
  consulCaFile: option({ from: 'addition', flags: '--consul-ca-file <file>', env: 'KUUTAMO_CONSUL_CA_FILE', description: 'CA certificate (PEM) for an https --consul-url', parser: parsers.consulPemFile('CONSUL_CACERT') }),
  consulClientCert: option({ from: 'addition', flags: '--consul-client-cert <file>', env: 'KUUTAMO_CONSUL_CLIENT_CERT', description: 'client certificate (PEM) for a Consul that requires one (verify_incoming_https); needs --consul-client-key', parser: parsers.consulPemFile('CONSUL_CLIENT_CERT') }),
  consulClientKey: option({ from: 'addition', flags: '--consul-client-key <file>', env: 'KUUTAMO_CONSUL_CLIENT_KEY', description: 'private key (PEM) of --consul-client-cert', parser: parsers.consulPemFile('CONSUL_CLIENT_KEY') }),
};

/** The rest of the daemon's plain settings; keys are the Settings fields they fill. */
const DAEMON_OPTIONS = {
  nodeId: option({ from: 'kuutamod', flags: '--node-id <id>', env: 'KUUTAMO_NODE_ID', default: 'node', description: 'name of this node in logs and as the Consul session name', parser: parsers.text }),
  accountId: option({ from: 'kuutamod', flags: '--account-id <id>', env: 'KUUTAMO_ACCOUNT_ID', default: 'default', description: 'validator account; the lock key is kuutamod-leader/<account-id>', parser: parsers.text }),
  exporter: option({ from: 'kuutamod', flags: '--exporter-address <addr>', env: 'KUUTAMO_EXPORTER_ADDRESS', default: '127.0.0.1:2233', description: 'address of the HTTP server (/metrics, /health, /neard-pid, /state)', parser: parsers.hostPort }),
  neardHome: option({ from: 'kuutamod', flags: '--neard-home <dir>', env: 'KUUTAMO_NEARD_HOME', default: '.', description: "neard's home; must already hold config.json and genesis.json", parser: parsers.directory }),
  validatorNetworkAddr: option({ from: 'kuutamod', flags: '--validator-network-addr <addr>', env: 'KUUTAMO_VALIDATOR_NETWORK_ADDR', default: '0.0.0.0:24567', description: 'network.addr of neard while validating', parser: parsers.address }),
  voterNetworkAddr: option({ from: 'kuutamod', flags: '--voter-network-addr <addr>', env: 'KUUTAMO_VOTER_NETWORK_ADDR', default: '0.0.0.0:24568', description: 'network.addr of neard while not validating', parser: parsers.address }),
  bootNodes: option({ from: 'kuutamod', flags: '--near-boot-nodes <nodes>', env: 'KUUTAMO_NEARD_BOOTNODES', description: 'passed to neard run --boot-nodes', parser: parsers.optionalText }),
  neardBin: option({ from: 'addition', flags: '--neard-bin <path>', env: 'KUUTAMO_NEARD_BIN', default: 'neard', description: 'neard binary (looked up in PATH)', parser: parsers.text }),
  logFormat: option({ from: 'addition', flags: '--log-format <format>', env: 'KUUTAMO_LOG_FORMAT', default: 'json', description: 'json (pino) or logfmt (as Rust kuutamod)', parser: parsers.oneOf(['json', 'logfmt'] satisfies LogFormat[]) }),
  hotSwap: option({ from: 'addition', flags: '--validator-key-hot-swap', env: 'KUUTAMO_VALIDATOR_KEY_HOT_SWAP', description: 'promote by making the running neard (>= 2.x) re-read validator_key.json on SIGHUP instead of restarting it (if the guard refuses the swap, neard is restarted as validator instead); demotion still restarts. neard\'s config.json must track the validator\'s shards: checked at start, logged, published by kuutamoctl list (docs/operations.md)', parser: parsers.switchOn }),
  inspect: option({ from: 'addition', flags: '--inspect [url]', env: 'KUUTAMO_INSPECT', description: 'stream the actor system to a Stately inspector relay (default ws://127.0.0.1:8080, see docs/inspector.md)', parser: parsers.inspectorRelay }),
  onRoleChange: option({ from: 'addition', flags: '--on-role-change <command>', env: 'KUUTAMO_ON_ROLE_CHANGE', description: 'shell command run on every change of role (validator, standby, syncing, stopped) as `<command> on_role_change <new role> <account>`, with KUUTAMO_ROLE_OLD, KUUTAMO_ROLE_NEW, KUUTAMO_NODE_ID, KUUTAMO_ACCOUNT_ID set; never delays failover (docs/deploy.md)', parser: parsers.optionalText }),
  onRoleChangeTimeoutMs: option({ from: 'addition', flags: '--on-role-change-timeout <duration>', env: 'KUUTAMO_ON_ROLE_CHANGE_TIMEOUT', default: '30s', description: 'a role-change hook still running after this long is killed (SIGTERM, then SIGKILL, to its process group)', parser: parsers.duration }),
  controlSocket: option({ from: 'addition', flags: '--control-socket <path>', env: 'KUUTAMO_CONTROL_SOCKET', description: 'unix socket for kuutamoctl commands that act on this node (mode 0600)', parser: { ...parsers.optionalText, fallback: '<neard-home>/kuutamod.sock' } }),
  memberPublishIntervalMs: option({ from: 'addition', flags: '--member-publish-interval <duration>', env: 'KUUTAMO_MEMBER_PUBLISH_INTERVAL', default: '15s', description: 'how often this node rewrites its pool member record in Consul (kuutamoctl list); the record\'s session TTL is three of these, at least 10s (500ms..8h)', parser: parsers.duration }),
  maxLagBlocks: option({ from: 'addition', flags: '--max-lag-blocks <blocks>', env: 'KUUTAMO_MAX_LAG_BLOCKS', default: '50', description: 'a standby contends for the lock only within this many blocks of the best head among the pool\'s members (it still takes over when no eligible member is left)', parser: parsers.count }),
  noFailover: option({ from: 'addition', flags: '--no-failover', env: 'KUUTAMO_NO_FAILOVER', description: 'never take the validator lock (a node kept for maintenance); neard still syncs and the node is listed', parser: parsers.switchOn }),
  failoverPriority: option({ from: 'addition', flags: '--failover-priority <n>', env: 'KUUTAMO_FAILOVER_PRIORITY', default: '1', description: 'among eligible standbys the one with the higher priority takes the lock first (the others wait a short delay)', parser: parsers.count }),
  productionStallMs: option({ from: 'addition', flags: '--production-stall <duration>', env: 'KUUTAMO_PRODUCTION_STALL', default: '15s', description: "a standby asks the leader to hand over when the leader's head has stood still this long while the standby's own head advanced (docs/failover-algorithm.md, Production health)", parser: parsers.duration }),
  productionMissesInARow: option({ from: 'addition', flags: '--production-missed-in-a-row <n>', env: 'KUUTAMO_PRODUCTION_MISSED_IN_A_ROW', default: '5', description: "a standby asks the leader to hand over when the chain's counts, read on its own neard, show this many of the account's expected blocks or chunks in a row not produced (at least 1)", parser: parsers.count }),
  productionGraceMs: option({ from: 'addition', flags: '--production-grace <duration>', env: 'KUUTAMO_PRODUCTION_GRACE', default: '2m', description: 'no production judgement of a leader for this long after it took the role; also how long a new leader waits for its first produced block or chunk before calling the check after takeover unconfirmed', parser: parsers.duration }),
  productionHoldMs: option({ from: 'addition', flags: '--production-hold <duration>', env: 'KUUTAMO_PRODUCTION_HOLD', default: '30m', description: 'a node that lost the role for not producing is not eligible for this long, and no other production move happens in the pool meanwhile (an alert instead)', parser: parsers.duration }),
  productionCheckIntervalMs: option({ from: 'addition', flags: '--production-check-interval <duration>', env: 'KUUTAMO_PRODUCTION_CHECK_INTERVAL', default: '2s', description: "how often neard's validators RPC is asked for the account's produced and expected blocks and chunks (at least 100ms)", parser: parsers.duration }),
  noProductionFailover: option({ from: 'addition', flags: '--no-production-failover', env: 'KUUTAMO_NO_PRODUCTION_FAILOVER', description: 'judge and report block production (metrics, list, /ui) but never move the role for it', parser: parsers.switchOn }),
  controlSocketGroup: option({ from: 'addition', flags: '--control-socket-group <group>', env: 'KUUTAMO_CONTROL_SOCKET_GROUP', description: 'group (name or id) that may use the control socket too (mode 0660)', parser: parsers.optionalText }),
};

/** The three key files; keys are NeardKeys fields. Without a flag they come from systemd's credentials. */
const KEY_OPTIONS = {
  validatorKey: option({ from: 'kuutamod', flags: '--validator-key <file>', env: 'KUUTAMO_VALIDATOR_KEY', description: 'validator_key.json of the pool', parser: parsers.keyFile('validator_key.json') }),
  validatorNodeKey: option({ from: 'kuutamod', flags: '--validator-node-key <file>', env: 'KUUTAMO_VALIDATOR_NODE_KEY', description: 'node key used while validating', parser: parsers.keyFile('validator_node_key.json') }),
  voterNodeKey: option({ from: 'kuutamod', flags: '--voter-node-key <file>', env: 'KUUTAMO_VOTER_NODE_KEY', description: "this machine's own node key, used while not validating", parser: parsers.keyFile('voter_node_key.json') }),
};

type TimingSpec = Omit<OptionSpec<number>, 'from' | 'default' | 'parser'>;

/** Duration options whose default is the DEFAULT_TIMINGS entry under the same key. */
function timingOptions<Name extends keyof FailoverTimings>(specs: Record<Name, TimingSpec>): Record<Name, OptionSpec<number>> {
  const entries = (Object.entries(specs) as [Name, TimingSpec][]).map(([name, spec]) => [
    name,
    option({ ...spec, from: 'addition', default: formatDuration(DEFAULT_TIMINGS[name]), parser: parsers.duration }),
  ]);
  return Object.fromEntries(entries) as Record<Name, OptionSpec<number>>;
}

/** The timings an operator may change; keys are FailoverTimings fields, the rest keep DEFAULT_TIMINGS. */
const TIMING_OPTIONS = timingOptions({
  sessionTtlMs: { flags: '--session-ttl <duration>', env: 'KUUTAMO_SESSION_TTL', description: 'Consul session TTL (10s..24h)' },
  sessionRenewIntervalMs: { flags: '--session-renew-interval <duration>', env: 'KUUTAMO_SESSION_RENEW_INTERVAL', description: `pause between session renewals (the lock holder renews every min(this, --step-down-after minus ${formatDuration(DEFAULT_SERVICE_TIMINGS.consulOutageToleranceMs)}), docs/safety.md)` },
  stepDownAfterMs: { flags: '--step-down-after <duration>', env: 'KUUTAMO_STEP_DOWN_AFTER', description: 'a validator without a successful renewal for this long stops validating' },
  lockAcquireIntervalMs: { flags: '--lock-acquire-interval <duration>', env: 'KUUTAMO_LOCK_ACQUIRE_INTERVAL', description: 'fallback poll of the leader lock; a Consul blocking query on the key wakes a standby at once' },
  statusIntervalMs: { flags: '--status-interval <duration>', env: 'KUUTAMO_STATUS_INTERVAL', description: "pause between queries of neard's /status" },
  startupTimeoutMs: { flags: '--startup-timeout <duration>', env: 'KUUTAMO_STARTUP_TIMEOUT', description: `how long a starting neard may take to answer /status (${DEFAULT_TIMINGS.startupTries} tries)` },
  fenceMarginMs: { flags: '--fence-margin <duration>', env: 'KUUTAMO_FENCE_MARGIN', description: 'a validating neard is killed this long before its session could expire (last renewal + TTL)' },
  neardStopTimeoutMs: { flags: '--neard-stop-timeout <duration>', env: 'KUUTAMO_NEARD_STOP_TIMEOUT', description: 'grace period between SIGTERM and SIGKILL when stopping neard' },
  handoverDeadlineMs: { flags: '--handover-deadline <duration>', env: 'KUUTAMO_HANDOVER_DEADLINE', description: 'planned switchover: the candidate must validate this long after the leader began releasing, else the leader takes the role back' },
});

/** Every kuutamod option, in --help order. */
export const ALL_OPTIONS: OptionSpec[] = [CONSUL_OPTIONS, DAEMON_OPTIONS, KEY_OPTIONS, TIMING_OPTIONS].flatMap((table) => Object.values<OptionSpec>(table));
/** The options of Rust kuutamod, same names, variables and defaults. */
export const KUUTAMOD_OPTIONS = ALL_OPTIONS.filter((spec) => spec.from === 'kuutamod');
/** This daemon's additions; all optional. */
export const EXTRA_OPTIONS = ALL_OPTIONS.filter((spec) => spec.from === 'addition');

// ---- commander: declaring options and reading what was typed -----------------------------------

/** The long flag of a spec (`--session-ttl`), the key of GivenFlags. */
export const longFlag = (spec: OptionSpec): string => new Option(spec.flags).long ?? spec.flags;

/** The help line's description: a default that is not a literal (a variable, a credential) is said in words. */
export const helpDescription = (spec: OptionSpec): string =>
  spec.parser.fallback ? `${spec.description} (default: ${spec.parser.fallback})` : spec.description;

/** Declare options on a commander command. Variable and default are given for --help only: resolution reads the table. */
export function addOptions(command: Command, specs: OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, helpDescription(spec)).env(spec.env);
    command.addOption(spec.default === undefined ? option : option.default(spec.default));
  }
  return command;
}

export function buildCommand(name: string, description: string): Command {
  return addOptions(new Command(name).description(description).helpOption('-h, --help', 'show this help'), ALL_OPTIONS);
}

/** Values typed on the command line, by long flag (`{'--session-ttl': '15s'}`); true for a bare switch. */
export type GivenFlags = Readonly<Record<string, string | true>>;

/** What the operator typed, without commander's own env and default filling, so resolution knows the origin. */
export function givenFlags(command: Command): GivenFlags {
  const given: Record<string, string | true> = {};
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    const typed = command.getOptionValueSource(option.attributeName()) === 'cli';
    // commander reads a `--no-<name>` switch (--no-failover) as <name> = false: typed, it is a switch given.
    const negated = option.negate && value === false;
    if (typed && option.long && (typeof value === 'string' || value === true || negated)) given[option.long] = negated ? true : (value as string | true);
  }
  return given;
}

// ---- resolution: flag, else variable, else default ---------------------------------------------

/**
 * Resolve every option of a table: the flag wins over the variable, the variable over the default.
 * A variable set to the empty string counts as unset (systemd's `Environment=NAME=` clears it).
 */
export function resolveOptions<Table extends OptionTable>(table: Table, flags: GivenFlags, environment: NodeJS.ProcessEnv): OptionValues<Table> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const flag = longFlag(spec);
    const typed = flags[flag];
    const fromEnv = environment[spec.env] || undefined;
    const value = typed ?? fromEnv ?? spec.default;
    const where = typed === undefined && fromEnv !== undefined ? `${flag}, set by ${spec.env}` : flag;
    values[key] = spec.parser.parse({ value, where, flag, env: spec.env, environment });
  }
  return values as OptionValues<Table>;
}

export type ConsulConnectionSettings = Pick<Settings, 'consulUrl' | 'consulToken' | 'consulTokenFile' | 'consulCaFile' | 'consulClientCert' | 'consulClientKey'>;

/** Consul URL, ACL token (and its file), CA file and client certificate, for kuutamod and kuutamoctl alike. */
export function resolveConsulConnection(flags: GivenFlags, environment: NodeJS.ProcessEnv): ConsulConnectionSettings {
  const { consulTokenFile: source, ...files } = resolveOptions(CONSUL_OPTIONS, flags, environment);
  checkClientCertificate({ clientCert: files.consulClientCert, clientKey: files.consulClientKey });
  return { ...files, consulToken: source.token, consulTokenFile: source.file };
}

/** What the Consul client (and the neard guard) needs of the connection settings. */
export function consulEndpointOf(connection: ConsulConnectionSettings): ConsulEndpoint {
  const { consulUrl: url, consulToken: token, consulCaFile: caFile, consulClientCert: clientCert, consulClientKey: clientKey } = connection;
  return { url, token, caFile, clientCert, clientKey };
}

/** The validator account, from its variable alone (kuutamoctl takes no --account-id, as Rust kuutamoctl). */
export const ACCOUNT_ID_OPTION = DAEMON_OPTIONS.accountId;

/** The timing rules that keep a validator from outliving its lock (docs/safety.md). */
function checkTimings(timings: FailoverTimings): FailoverTimings {
  if (timings.sessionTtlMs < 10_000 || timings.sessionTtlMs > 86_400_000) {
    throw new OperatorError('--session-ttl: Consul accepts session TTLs from 10s to 24h.');
  }
  const fenceAt = timings.sessionTtlMs - timings.fenceMarginMs;
  if (timings.sessionRenewIntervalMs >= timings.stepDownAfterMs || timings.stepDownAfterMs >= fenceAt) {
    throw new OperatorError(
      '--session-renew-interval < --step-down-after < --session-ttl minus --fence-margin must hold, or a validator could outlive its lock.',
    );
  }
  return timings;
}

/** Turn the flags typed (see givenFlags) and the environment into checked settings. */
export function resolveSettings(flags: GivenFlags, environment: NodeJS.ProcessEnv = process.env): Settings {
  const consul = resolveConsulConnection(flags, environment);
  const daemon = resolveOptions(DAEMON_OPTIONS, flags, environment);
  const keys = resolveOptions(KEY_OPTIONS, flags, environment);
  const timings = checkTimings({ ...DEFAULT_TIMINGS, ...resolveOptions(TIMING_OPTIONS, flags, environment) });
  if (daemon.productionMissesInARow < 1) throw new OperatorError('--production-missed-in-a-row: give at least 1 (5 is the default).');
  if (daemon.productionCheckIntervalMs < 100) throw new OperatorError('--production-check-interval: give at least 100ms (2s is the default).');
  if (daemon.memberPublishIntervalMs < 500 || daemon.memberPublishIntervalMs > 28_800_000) {
    throw new OperatorError('--member-publish-interval: give 500ms to 8h (the member record\'s session TTL is three of these, and Consul allows up to 24h).');
  }
  const controlSocket = controlSocketPath({ controlSocket: daemon.controlSocket, neardHome: daemon.neardHome }, {});
  return { ...consul, ...daemon, controlSocket, keys, timings, rpcUrl: readNeardHome(daemon.neardHome).rpcUrl };
}
