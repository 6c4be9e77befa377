// A small HTTP proxy between a daemon and its Consul agent that counts requests, so the harness can
// report how many Consul requests an idle leader and an idle standby make per minute.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountedRequest {
  t: number;
  method: string;
  /** Path with session ids and query removed, e.g. "PUT /v1/session/renew", "GET /v1/kv (blocking)". */
  kind: string;
  /** The request's path and query as sent. */
  url: string;
}

export interface CountingProxy {
  url: string;
  requests: CountedRequest[];
  /** Answer matching requests with this HTTP status instead of forwarding them (fault 8); null = forward all. */
  inject: { match: (kind: string) => boolean; status: number } | null;
  /** Requests that started in [from, to), grouped by kind. */
  count(from: number, to: number): { total: number; byKind: Record<string, number> };
  close(): Promise<void>;
}

function kindOf(method: string, rawUrl: string): string {
  const url = new URL(rawUrl, 'http://x');
  const path = url.pathname.replace(/\/v1\/session\/(renew|destroy|info)\/.*/, '/v1/session/$1').replace(/\/v1\/kv\/.*/, '/v1/kv');
  const detail = url.searchParams.has('acquire') ? ' acquire' : url.searchParams.has('index') ? ' (blocking)' : '';
  return `${method} ${path}${detail}`;
}

/** Where the agent listens: a TCP port, or a unix socket (an agent inside a network namespace). */
export type ProxyTarget = { host: string; port: number } | { socketPath: string };

export function startCountingProxy(target: ProxyTarget): Promise<CountingProxy> {
  const requests: CountedRequest[] = [];
  let proxy: CountingProxy | null = null;
  const server: Server = createServer((req, res) => {
    const kind = kindOf(req.method ?? '?', req.url ?? '/');
    requests.push({ t: Date.now(), method: req.method ?? '?', kind, url: req.url ?? '/' });
    const inject = proxy?.inject;
    if (inject?.match(kind)) {
      req.resume();
      res.writeHead(inject.status, { 'content-type': 'text/plain' });
      res.end('chaos proxy: injected failure');
      return;
    }
    const upstream = request(
      { ...target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`chaos proxy: ${error.message}`);
    });
    // The daemon gave up (its timeout): drop the upstream request too, as a direct connection would.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      proxy = {
        url: `http://127.0.0.1:${port}`,
        requests,
        inject: null,
        count(from, to) {
          const byKind: Record<string, number> = {};
          let total = 0;
          for (const r of requests) {
            if (r.t < from || r.t >= to) continue;
            total++;
            byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
          }
          return { total, byKind };
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      };
      resolve(proxy);
    });
  });
}
