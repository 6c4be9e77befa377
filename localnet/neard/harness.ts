// Drives stand-ins from tests: spawn `neard` as a real child process, make a localnet under
// a temp dir with free ports, and talk to a node over its real HTTP/JSON-RPC. Shared by the
// stand-in's own tests and by tests of the supervisor that need a node with chosen knobs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultFilePath } from './fault-file.js';
import { parseFaultRecords, type ChainState, type FaultRecord, type NodeFault } from './fault-records.js';
import type { KeyFile } from './keys.js';
import type { RpcErrorBody } from './rpc-errors.js';
import type { StatusResponse } from './status.js';
import type { ValidatorLogRecord } from './validator-log.js';

// The types the readers below return, re-exported so a test imports its shapes from one place.
export type { ChainState, FaultRecord, KeyFile, NodeFault, RpcErrorBody, StatusResponse, ValidatorLogRecord };

/** The compiled stand-in entry point next to this file. */
export const NEARD_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

export type Env = Record<string, string>;
/** A parsed JSON object whose fields a test has not named: reading one gives `unknown`. */
export type Json = Record<string, unknown>;

// The parts of neard's files that tests read and useFreePorts rewrites. Other fields stay `unknown`.
export interface ConfigFile extends Json { network: { addr: string; boot_nodes: string }; rpc: { addr: string } }
export interface GenesisFile extends Json {
  chain_id: string;
  genesis_time: string;
  epoch_length: number;
  validators: { account_id: string; public_key: string }[];
}

/** A JSON-RPC 2.0 reply: `result` of type R on success, nearcore's error object otherwise. */
export interface RpcReply<R = unknown> { jsonrpc: string; id: string; result?: R; error?: RpcErrorBody }

export interface Neard {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Fast blocks, short sync and stop: tests wait for conditions, never for real-time minutes. */
export const FAST: Env = { NEARD_STANDIN_BLOCK_MS: '100', NEARD_STANDIN_STOP_DELAY_MS: '100', NEARD_STANDIN_SYNC_MS: '300' };

const running = new Set<ChildProcess>();
const tempDirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'neard-standin-'));
  tempDirs.push(dir);
  return dir;
}

/** Kill what is still running and remove temp dirs: call from test.after. */
export function cleanupStandins(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

export function startNeard(args: string[], env: Env = {}): Neard {
  const child = spawn(process.execPath, [NEARD_MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }));
  return { child, stderr: () => err, exited };
}

export function neardSync(args: string[], env: Env = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [NEARD_MAIN, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const addr = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (addr === null || typeof addr !== 'object') throw new Error('no port from the OS');
  return addr.port;
}

/** Parsed unchecked as T: a test's assertions on the fields it reads are the check. */
export const readJson = <T = Json>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
export const writeJson = (path: string, v: unknown): void => writeFileSync(path, JSON.stringify(v, null, 2));

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * GET /status. Checked only as far as every caller relies on (an object with a sync_info object), so
 * a garbled answer fails here, naming it; the fields' values are the tests' to assert.
 */
export async function getStatus(rpc: string): Promise<StatusResponse> {
  const res = await fetch(`http://${rpc}/status`);
  if (res.status !== 200) throw new Error(`/status answered ${res.status}`);
  const body: unknown = await res.json();
  if (!isObject(body) || !isObject(body['sync_info'])) throw new Error(`/status answered no sync_info: ${JSON.stringify(body)}`);
  return body as unknown as StatusResponse;
}

/**
 * One JSON-RPC call; returns the HTTP status and the parsed body. R is what the caller expects in
 * `result` (unchecked, like readJson); the body is checked to be an object.
 */
export async function rpcRequest<R = unknown>(rpc: string, method: string, params: unknown = []): Promise<{ http: number; body: RpcReply<R> }> {
  const res = await fetch(`http://${rpc}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'dontcare', method, params }),
  });
  const body: unknown = await res.json();
  if (!isObject(body)) throw new Error(`${method} answered a non-object: ${JSON.stringify(body)}`);
  return { http: res.status, body: body as unknown as RpcReply<R> };
}

/** GET /metrics parsed into `name{labels}` -> value (labels as written, e.g. `x{account_id="a"}`). */
export async function getMetrics(rpc: string): Promise<Map<string, number>> {
  const res = await fetch(`http://${rpc}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** `neard localnet` under a temp dir; env reaches the command (e.g. NEARD_STANDIN_EPOCH_LENGTH). */
export function localnet(validators = 2, nonValidators = 1, env: Env = {}): string {
  const dir = tempDir();
  const r = neardSync(['--home', dir, 'localnet', '--v', String(validators), '--n', String(nonValidators)], env);
  if (r.status !== 0) throw new Error(`neard localnet failed (${r.status}): ${r.stderr}`);
  return dir;
}

/** Rewrites a home's config.json to fresh free ports and a fast stats summary. */
export async function useFreePorts(home: string): Promise<{ rpc: string; p2pPort: number }> {
  const cfg = readJson<ConfigFile>(join(home, 'config.json'));
  const p2pPort = await freePort();
  const rpc = `127.0.0.1:${await freePort()}`;
  cfg.network.addr = `127.0.0.1:${p2pPort}`;
  cfg.rpc.addr = rpc;
  cfg['log_summary_period'] = { secs: 0, nanos: 300_000_000 };
  writeJson(join(home, 'config.json'), cfg);
  return { rpc, p2pPort };
}

/** The records of a NEARD_STANDIN_VALIDATOR_LOG file (none if it does not exist yet), unchecked. */
export function vlogRecords(path: string): ValidatorLogRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ValidatorLogRecord);
}

/**
 * Switch the gray failure of a neard home with the stand-in's own CLI (`neard --home HOME standin-fault
 * FAULT`), as an operator or the localnet does. `validatorLog`: the NEARD_STANDIN_VALIDATOR_LOG the nodes
 * run with (the fault then shows on every stand-in sharing it), or null for the home's own fault file
 * (only that node's own view). Running stand-ins follow it in their next answer. Returns the record written.
 */
export function setFault(home: string, fault: NodeFault, validatorLog: string | null): FaultRecord {
  return switchFault(['--home', home, 'standin-fault', fault], validatorLog, home);
}

/** Stall the whole chain (`stall`: every head stops) or let it run again (`run`), for every stand-in sharing `validatorLog`. */
export function setChainFault(state: ChainState, validatorLog: string): FaultRecord {
  return switchFault(['standin-fault', '--chain', state], validatorLog, '.');
}

function switchFault(args: string[], validatorLog: string | null, home: string): FaultRecord {
  const env: Env = validatorLog === null ? { NEARD_STANDIN_VALIDATOR_LOG: '' } : { NEARD_STANDIN_VALIDATOR_LOG: validatorLog };
  const r = neardSync(args, env);
  if (r.status !== 0) throw new Error(`neard ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const records = faultRecords(faultFilePath(validatorLog, home));
  const last = records[records.length - 1];
  if (last === undefined) throw new Error(`neard ${args.join(' ')} wrote no record`);
  return last;
}

/** The records of a fault file (`<validator log>.faults`, or `<home>/standin-faults.jsonl`) in time order; none if it does not exist. */
export function faultRecords(path: string): FaultRecord[] {
  return existsSync(path) ? parseFaultRecords(readFileSync(path, 'utf8')) : [];
}
