// The JSON RPC HTTP server on rpc.addr: the routes of nearcore's chain/jsonrpc that a
// supervisor touches. GET /status, GET /health, GET /metrics, POST / (JSON-RPC 2.0).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SocketAddr } from './addr.js';
import { methodNotFound, nodeIsSyncing, parseError } from './rpc-errors.js';
import type { StatusResponse } from './status.js';
import type { ValidatorsRpcMode } from './env.js';
import { validatorsAnswer, type ValidatorsView } from './validators-rpc.js';
import { maintenanceWindows, WINDOWS_METHODS, type WindowsRpcConfig } from './windows-rpc.js';

export interface RpcBackend {
  status(): StatusResponse;
  syncing(): boolean;
  /** Connected peers (0 while isolated), for GET /network_info. */
  peers(): number;
  /** Prometheus text for GET /metrics. */
  metrics(): string;
  windowsRpc: WindowsRpcConfig;
  /** The head's epoch and every account's counts so far, for JSON-RPC `validators`. */
  validators(): ValidatorsView;
  validatorsRpc: ValidatorsRpcMode;
}

type JsonRpcId = string | number | null;

function sendJson(res: ServerResponse, code: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

function sendEmpty(res: ServerResponse, code: number): void {
  res.writeHead(code, { 'content-length': 0 });
  res.end();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function jsonRpc(backend: RpcBackend, body: string): { http: number; payload: unknown } {
  let msg: unknown;
  try {
    msg = JSON.parse(body);
  } catch (err) {
    // actix's Json extractor rejects the body before the JSON-RPC layer sees it.
    return { http: 400, payload: `Json deserialize error: ${(err as Error).message}` };
  }
  const req = msg as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  const id: JsonRpcId = typeof req?.id === 'string' || typeof req?.id === 'number' ? req.id : null;
  if (typeof req !== 'object' || req === null || req.jsonrpc !== '2.0' || typeof req.method !== 'string') {
    return { http: 200, payload: { jsonrpc: '2.0', error: parseError('JSON RPC Request format was expected'), id } };
  }
  switch (req.method) {
    case 'status':
      return { http: 200, payload: { jsonrpc: '2.0', result: backend.status(), id } };
    case 'health':
      return backend.syncing()
        ? { http: 200, payload: { jsonrpc: '2.0', error: nodeIsSyncing(), id } }
        : { http: 200, payload: { jsonrpc: '2.0', result: null, id } };
    case WINDOWS_METHODS[0]:
    case WINDOWS_METHODS[1]: {
      const { http, ...outcome } = maintenanceWindows(backend.windowsRpc, req.method, req.params);
      return { http, payload: { jsonrpc: '2.0', ...outcome, id } };
    }
    case 'validators': {
      const { http, ...outcome } = validatorsAnswer(backend.validatorsRpc, req.params, () => backend.validators());
      return { http, payload: { jsonrpc: '2.0', ...outcome, id } };
    }
    default:
      return { http: 200, payload: { jsonrpc: '2.0', error: methodNotFound(req.method), id } };
  }
}

async function handle(backend: RpcBackend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const head = req.method === 'HEAD';
  const get = req.method === 'GET' || head;
  if (path === '/status' && get) return sendJson(res, 200, backend.status(), head);
  // nearcore's health check fails (503) while the node syncs; otherwise 200 with `null`.
  if (path === '/health' && get) return backend.syncing() ? sendEmpty(res, 503) : sendJson(res, 200, null, head);
  if (path === '/metrics' && get) {
    const text = backend.metrics();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text) });
    res.end(head ? undefined : text);
    return;
  }
  if (path === '/network_info' && get) {
    return sendJson(res, 200, {
      active_peers: [], num_active_peers: backend.peers(), peer_max_count: 40,
      sent_bytes_per_sec: 0, received_bytes_per_sec: 0, known_producers: [],
    }, head);
  }
  if (path === '/' && req.method === 'POST') {
    const { http, payload } = jsonRpc(backend, await readBody(req));
    if (typeof payload === 'string') {
      res.writeHead(http, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(payload);
      return;
    }
    return sendJson(res, http, payload, false);
  }
  sendEmpty(res, 404);
}

/** Binds rpc.addr; rejects with the OS error (e.g. EADDRINUSE) so startup can fail loudly. */
export function startRpcServer(addr: SocketAddr, backend: RpcBackend): Promise<Server> {
  const server = createServer((req, res) => {
    handle(backend, req, res).catch(() => sendEmpty(res, 500));
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: addr.host, port: addr.port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops accepting and drops idle keep-alive sockets so the process can exit promptly. */
export function stopRpcServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
