// Real Consul agents for integration tests: a single server and a small loopback cluster.
// Every agent gets kernel-picked ports, its own temp dir and a log file there; every process
// started here is killed when the test process exits. A single server can also run as in
// production: ACLs on with default deny, or https only with a CA's certificate (and client
// certificates required).
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports.js';
import { until, untilValue } from './until.js';
import { REPO_ROOT } from '../../src/repo-root.js';

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
// raft_multiplier 1 is Consul's recommended production setting; the default (5) makes a
// non-dev server take ~7 s to elect itself instead of ~1.3 s.
const FAST_RAFT_HCL = 'performance { raft_multiplier = 1 }';

export interface ConsulServer {
  /** e.g. http://127.0.0.1:12345 (https://127.0.0.1:12345 with StartOptions.tls) */
  url: string;
  httpPort: number;
  pid: number;
  /** the agent's combined stdout/stderr */
  logFile: string;
  /** SIGTERM, SIGKILL after 5 s, then remove the temp dir. */
  stop(): Promise<void>;
}

export interface ClusterServer extends ConsulServer {
  name: string;
  /** raft/RPC address, as reported by /v1/status/leader */
  serverAddr: string;
  /** Serf LAN address that client agents -retry-join. */
  serfLanAddr: string;
  /** Send a signal without waiting or cleaning up (chaos). */
  kill(signal?: NodeJS.Signals): void;
  alive(): boolean;
  /** Start it again after a kill, same ports and data dir; resolves once its HTTP API answers. */
  restart(): Promise<void>;
}

/** A Consul client agent (no -server) joined to servers, as on a validator machine. */
export interface ConsulClientAgent extends ConsulServer {
  name: string;
  /** Set when the HTTP API is a unix socket (AgentNet.httpSocket); `url` is then only a label. */
  socketPath?: string;
  kill(signal?: NodeJS.Signals): void;
  alive(): boolean;
}

export interface ClientAgentOptions {
  /** Serf LAN addresses of the servers (ClusterServer.serfLanAddr). */
  join: string[];
  name?: string;
  logLevel?: string;
  /** Where the agent runs and listens; default: loopback of this process, HTTP on a free port. */
  net?: AgentNet;
  /** Extra configuration, one -hcl argument each (e.g. a load test's `limits { ... }`). */
  hcl?: string[];
}

/** Placement of an agent: e.g. inside a network namespace, its HTTP API on a unix socket that any namespace reaches. */
export interface AgentNet {
  /** -bind address (serf, RPC); default 127.0.0.1. */
  bind?: string;
  /** Command prefix, e.g. ['ip', 'netns', 'exec', 'ns1'] (it execs consul, so the pid stays consul's). */
  wrap?: string[];
  /** Serve the HTTP API on this unix socket instead of a TCP port. */
  httpSocket?: string;
}

export interface ConsulCluster {
  servers: ClusterServer[];
  /** http URL of the current raft leader (waits up to 30 s for one). */
  leaderUrl(): Promise<string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Agent data dir; when given, the caller owns it and stop() leaves it in place. */
  dataDir?: string;
  logLevel?: string;
  /**
   * 'dev' (default): `consul agent -dev`, ready in ~0.15 s vs ~1.3 s for 'server' (measured on
   * 1.8.7); it accepts all the port flags but keeps raft in memory. Use 'server' when a test
   * restarts an agent on the same dataDir and expects its state back.
   */
  mode?: 'dev' | 'server';
  /**
   * ACLs on with default deny, as in production. The master token is also the agent's own token
   * (so it can register its node, which sessions need); everything else must bring a token.
   */
  acl?: { masterToken: string };
  /** Serve the HTTP API over https only (the http port is closed), with these PEM files. */
  tls?: ConsulTlsFiles;
  /**
   * With tls: require client certificates (verify_incoming_https, signed by tls.caFile); the
   * readiness probe presents this one.
   */
  requireClientCert?: ClientCertificate;
}

/** A client certificate and its key, e.g. from `consul tls cert create -client`. */
export interface ClientCertificate {
  certFile: string;
  keyFile: string;
}

/** PEM files of `consul tls ca create` and `consul tls cert create -server`. */
export interface ConsulTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** What a probe needs to talk to a locked-down agent: its token, the CA of its certificate. */
interface Access {
  token?: string;
  caFile?: string;
  client?: ClientCertificate;
}

/** CONSUL_BIN, else <repo>/.tools/consul/bin/consul (localnet/install-consul.sh), else PATH. */
export function consulBinary(): string {
  const fromEnv = process.env['CONSUL_BIN'];
  if (fromEnv) return fromEnv;
  const local = join(REPO_ROOT, '.tools', 'consul', 'bin', 'consul');
  return existsSync(local) ? local : 'consul';
}

// ---- process tracking: nothing outlives the test process ----------------------------------

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHooked = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  hookExit();
}

// A temp dir removed by stop() or, if the test forgot stop(), when the process exits.
function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  hookExit();
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  const killAll = (): void => {
    for (const c of live) c.kill('SIGKILL');
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  // 'exit' does not run on fatal signals (e.g. the test runner's timeout): kill, then re-raise.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.kill(process.pid, sig);
    });
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (await waitExit(child, STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await waitExit(child, STOP_GRACE_MS);
}

function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---- agents -------------------------------------------------------------------------------

interface Ports {
  http: number;
  server: number;
  serfLan: number;
  serfWan: number;
}

interface Agent {
  child: ChildProcess;
  ports: Ports;
  logFile: string;
  net?: AgentNet;
}

// httpsOnly: ports.http serves https (set in lockdownArgs) and the plain http listener is off.
function spawnAgent(args: string[], ports: Ports, logFile: string, net?: AgentNet, httpsOnly = false): Agent {
  const fd = openSync(logFile, 'a');
  const socketArgs = net?.httpSocket ? ['-hcl', `addresses { http = "unix://${net.httpSocket}" }`] : [];
  const portArgs = [
    '-bind', net?.bind ?? '127.0.0.1', '-client', '127.0.0.1', ...socketArgs,
    '-http-port', String(httpsOnly ? -1 : ports.http), '-server-port', String(ports.server),
    '-serf-lan-port', String(ports.serfLan), '-serf-wan-port', String(ports.serfWan),
    '-dns-port', '-1', '-grpc-port', '-1',
  ];
  const [file, ...prefix] = [...(net?.wrap ?? []), consulBinary()];
  const child = spawn(file, [...prefix, 'agent', ...args, ...portArgs], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  track(child);
  return { child, ports, logFile, ...(net ? { net } : {}) };
}

// Ports for n agents from one freePorts() call, so no port repeats across agents.
async function allocPorts(n: number): Promise<Ports[]> {
  const all = await freePorts(4 * n);
  const out: Ports[] = [];
  for (let i = 0; i < n; i++) {
    const [http, server, serfLan, serfWan] = all.slice(4 * i, 4 * i + 4);
    if (http === undefined || server === undefined || serfLan === undefined || serfWan === undefined) {
      throw new Error('port allocation failed');
    }
    out.push({ http, server, serfLan, serfWan });
  }
  return out;
}

async function getText(url: string, init?: RequestInit, socketPath?: string, access: Access = {}): Promise<{ status: number; body: string }> {
  if (socketPath) return getTextUnix(socketPath, url, init);
  if (access.caFile) return getTextHttps(url, access, init);
  const headers = access.token ? { 'X-Consul-Token': access.token } : undefined;
  const res = await fetch(url, { ...init, ...(headers ? { headers } : {}), signal: AbortSignal.timeout(2_000) });
  return { status: res.status, body: await res.text() };
}

// fetch cannot take a private CA; node:https can.
function getTextHttps(url: string, { caFile, token, client }: Access, init?: RequestInit): Promise<{ status: number; body: string }> {
  const headers = token ? { 'X-Consul-Token': token } : {};
  const identity = client ? { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) } : {};
  const options = { method: init?.method ?? 'GET', ca: readFileSync(caFile!), headers, timeout: 2_000, ...identity };
  return nodeRequest((onResponse) => httpsRequest(url, options, onResponse), init);
}

// fetch cannot use a unix socket; node:http can.
function getTextUnix(socketPath: string, url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const { pathname, search } = new URL(url);
  return nodeRequest((onResponse) => request({ socketPath, path: pathname + search, method: init?.method ?? 'GET', timeout: 2_000 }, onResponse), init);
}

// One node:http(s) request started by `start`: sends init.body, collects the answer as text.
function nodeRequest(start: (onResponse: (res: IncomingMessage) => void) => ClientRequest, init?: RequestInit): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = start((res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(typeof init?.body === 'string' ? init.body : undefined);
  });
}

/**
 * Ready = a leader is known AND a session with default checks can be created (Consul answers
 * 500 "No cluster leader" / missing serfHealth for a while after the leader appears).
 */
async function probeReady(url: string, socketPath?: string, access: Access = {}): Promise<boolean> {
  try {
    const leader = await getText(`${url}/v1/status/leader`, undefined, socketPath, access);
    if (leader.status !== 200 || leader.body.trim() === '""' || leader.body.trim() === '') return false;
    const created = await getText(`${url}/v1/session/create`, { method: 'PUT', body: '{"TTL":"10s"}' }, socketPath, access);
    if (created.status !== 200) return false;
    const { ID } = JSON.parse(created.body) as { ID: string };
    await getText(`${url}/v1/session/destroy/${ID}`, { method: 'PUT' }, socketPath, access);
    return true;
  } catch {
    return false;
  }
}

async function waitReady(agent: Agent, what: string, access: Access = {}): Promise<void> {
  const url = `${access.caFile ? 'https' : 'http'}://127.0.0.1:${agent.ports.http}`;
  // The log tail goes into the error: retryOnBindError looks there for a port taken meanwhile.
  await until(`${what} ready`, () => probeReady(url, agent.net?.httpSocket, access), {
    timeoutMs: STARTUP_TIMEOUT_MS,
    intervalMs: 50,
    failFast: () => (exited(agent.child) ? `${what} exited during startup (code ${agent.child.exitCode}, signal ${agent.child.signalCode})` : undefined),
    detail: () => logTail(agent.logFile),
  });
}

function isBindError(err: unknown): boolean {
  return err instanceof Error && /address already in use/i.test(err.message);
}

// A kernel-picked port can be taken between freePorts() and the agent's bind (e.g. as the source
// port of an outgoing connection, same ephemeral range): retry with fresh ports.
async function retryOnBindError<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3 || !isBindError(err)) throw err;
    }
  }
}

/** A real single-node Consul server on free loopback ports (optionally with ACLs or https only). */
export function startConsulServer(opts: StartOptions = {}): Promise<ConsulServer> {
  return retryOnBindError(() => startOnce(opts));
}

async function startOnce(opts: StartOptions): Promise<ConsulServer> {
  const { dir: tmp, remove } = makeTempDir('consul-test-');
  const dataDir = opts.dataDir ?? join(tmp, 'data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(tmp, 'consul.log');
  const modeArgs =
    (opts.mode ?? 'dev') === 'dev'
      ? ['-dev']
      : ['-server', '-bootstrap-expect', '1', '-hcl', FAST_RAFT_HCL];
  const ports = (await allocPorts(1))[0]!;
  const agent = spawnAgent(
    [...modeArgs, ...lockdownArgs(opts, ports.http), '-node', 'consul-test', '-data-dir', dataDir, '-log-level', opts.logLevel ?? 'info'],
    ports,
    logFile,
    undefined,
    opts.tls !== undefined,
  );
  const stop = async (): Promise<void> => {
    await terminate(agent.child);
    remove();
  };
  const access: Access = {
    ...(opts.acl ? { token: opts.acl.masterToken } : {}),
    ...(opts.tls ? { caFile: opts.tls.caFile } : {}),
    ...(opts.requireClientCert ? { client: opts.requireClientCert } : {}),
  };
  try {
    await waitReady(agent, 'consul agent', access);
  } catch (err) {
    await stop();
    throw err;
  }
  const pid = agent.child.pid;
  if (pid === undefined) throw new Error('consul agent has no pid');
  const scheme = opts.tls ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${agent.ports.http}`, httpPort: agent.ports.http, pid, logFile, stop };
}

// The REFERENCE.md section 3 settings for an ACL-enforcing or https-only agent, as -hcl arguments.
// With tls the port allocated for http serves https instead (spawnAgent closes plain http).
function lockdownArgs(opts: StartOptions, httpPort: number): string[] {
  const args: string[] = [];
  if (opts.acl) {
    const token = JSON.stringify(opts.acl.masterToken);
    args.push('-hcl', `acl { enabled = true default_policy = "deny" down_policy = "extend-cache" tokens { master = ${token} agent = ${token} } }`);
  }
  if (opts.tls) {
    const { caFile, certFile, keyFile } = opts.tls;
    args.push(
      '-hcl', `ports { https = ${httpPort} }`,
      '-hcl', `ca_file = ${JSON.stringify(caFile)} cert_file = ${JSON.stringify(certFile)} key_file = ${JSON.stringify(keyFile)}`,
    );
    if (opts.requireClientCert) args.push('-hcl', 'verify_incoming_https = true');
  }
  return args;
}

/**
 * n Consul servers on loopback that -retry-join each other and elect one raft leader.
 * `bind` moves serf and raft to another local address (e.g. one that client agents in network
 * namespaces can reach); the HTTP APIs stay on 127.0.0.1.
 */
export function startConsulCluster(n = 3, opts: { bind?: string; hcl?: string[] } = {}): Promise<ConsulCluster> {
  return retryOnBindError(() => startClusterOnce(n, opts.bind ?? '127.0.0.1', opts.hcl ?? []));
}

async function startClusterOnce(n: number, bind: string, hcl: string[]): Promise<ConsulCluster> {
  const { dir: base, remove } = makeTempDir('consul-cluster-');
  const ports = await allocPorts(n);
  const agents = ports.map((p, i) => {
    const name = `consul-${i}`;
    const dir = join(base, name);
    mkdirSync(join(dir, 'data'), { recursive: true });
    const joins = ports.filter((_, j) => j !== i).flatMap((q) => ['-retry-join', `${bind}:${q.serfLan}`]);
    const args = [
      '-server', '-bootstrap-expect', String(n), '-hcl', FAST_RAFT_HCL, '-retry-interval', '1s',
      '-node', name, '-data-dir', join(dir, 'data'), '-log-level', 'info', ...joins,
      ...hcl.flatMap((text) => ['-hcl', text]),
    ];
    const net = { bind };
    return { name, args, net, agent: spawnAgent(args, p, join(dir, 'consul.log'), net) };
  });

  const servers: ClusterServer[] = agents.map((entry) => {
    const { name } = entry;
    if (entry.agent.child.pid === undefined) throw new Error(`${name} has no pid`);
    return {
      name,
      url: `http://127.0.0.1:${entry.agent.ports.http}`,
      httpPort: entry.agent.ports.http,
      serverAddr: `${bind}:${entry.agent.ports.server}`,
      serfLanAddr: `${bind}:${entry.agent.ports.serfLan}`,
      get pid() {
        return entry.agent.child.pid ?? -1;
      },
      logFile: entry.agent.logFile,
      kill: (signal: NodeJS.Signals = 'SIGKILL') => void entry.agent.child.kill(signal),
      alive: () => !exited(entry.agent.child),
      stop: () => terminate(entry.agent.child),
      restart: async () => {
        await terminate(entry.agent.child);
        entry.agent = spawnAgent(entry.args, entry.agent.ports, entry.agent.logFile, entry.net);
        await waitHttp(entry.agent, name);
      },
    };
  });
  const stop = async (): Promise<void> => {
    await Promise.all(agents.map(({ agent }) => terminate(agent.child)));
    remove();
  };

  const leaderUrl = async (): Promise<string> =>
    (await untilValue('a consul leader', () => currentLeader(servers), { timeoutMs: STARTUP_TIMEOUT_MS, intervalMs: 100 })).url;

  try {
    await Promise.all(agents.map(({ name, agent }) => waitReady(agent, name)));
  } catch (err) {
    await stop();
    throw err;
  }
  return { servers, leaderUrl, stop };
}

// A leader counts only if it is alive and reports itself as leader: followers keep naming a
// dead leader for a moment after it is killed.
async function currentLeader(servers: ClusterServer[]): Promise<ClusterServer | undefined> {
  for (const s of servers.filter((x) => x.alive())) {
    try {
      const named = JSON.parse((await getText(`${s.url}/v1/status/leader`)).body) as string;
      const leader = servers.find((x) => x.serverAddr === named && x.alive());
      if (!leader) continue;
      const self = JSON.parse((await getText(`${leader.url}/v1/status/leader`)).body) as string;
      if (self === leader.serverAddr) return leader;
    } catch {
      // a server that is starting or dying: ask the next one
    }
  }
  return undefined;
}

// A restarted server cannot pass probeReady alone while it catches up: its HTTP API answering is enough.
async function waitHttp(agent: Agent, what: string): Promise<void> {
  await until(`${what} answering`, async () => (await getText(`http://127.0.0.1:${agent.ports.http}/v1/status/leader`)).status === 200, {
    timeoutMs: STARTUP_TIMEOUT_MS,
    intervalMs: 50,
    retryErrors: true, // not listening yet
    failFast: () => (exited(agent.child) ? `${what} exited during restart` : undefined),
    detail: () => logTail(agent.logFile),
  });
}

/** A client agent on free loopback ports that -retry-joins the given servers; ready once it can create a session. */
export function startConsulClientAgent(opts: ClientAgentOptions): Promise<ConsulClientAgent> {
  return retryOnBindError(() => startClientOnce(opts));
}

async function startClientOnce(opts: ClientAgentOptions): Promise<ConsulClientAgent> {
  const { dir, remove } = makeTempDir('consul-client-');
  const name = opts.name ?? `client-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(join(dir, 'data'), { recursive: true });
  const joins = opts.join.flatMap((addr) => ['-retry-join', addr]);
  const args = ['-node', name, '-data-dir', join(dir, 'data'), '-retry-interval', '1s', '-log-level', opts.logLevel ?? 'info', ...joins, ...(opts.hcl ?? []).flatMap((text) => ['-hcl', text])];
  const agent = spawnAgent(args, (await allocPorts(1))[0]!, join(dir, 'consul.log'), opts.net);
  const stop = async (): Promise<void> => {
    await terminate(agent.child);
    remove();
  };
  try {
    await waitReady(agent, `consul client ${name}`);
  } catch (err) {
    await stop();
    throw err;
  }
  const socketPath = opts.net?.httpSocket;
  return {
    name,
    url: socketPath ? `http://unix${socketPath}` : `http://127.0.0.1:${agent.ports.http}`,
    httpPort: agent.ports.http,
    ...(socketPath ? { socketPath } : {}),
    pid: agent.child.pid ?? -1,
    logFile: agent.logFile,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => void agent.child.kill(signal),
    alive: () => !exited(agent.child),
    stop,
  };
}
