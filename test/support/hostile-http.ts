/**
 * A real HTTP server on 127.0.0.1:0 that answers every request with whatever the test decides:
 * any status, headers, body, a body cut short (the connection closed mid-answer), or an answer
 * that comes too late. It stands in for a broken or hostile Consul or neard so the fuzz tests
 * exercise the real HTTP clients (undici's fetch, the `consul` package) end to end.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HostileAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  /** Announce the whole body's length but send only half of it, then close the connection. */
  truncate?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type HostileHandler = (request: IncomingMessage) => HostileAnswer;

export interface HostileServer {
  url: string;
  /** Change how the next requests are answered. */
  answerWith(handler: HostileHandler): void;
  /** Requests seen so far, as `METHOD path?query`. */
  requests: string[];
  close(): Promise<void>;
}

function send(response: ServerResponse, answer: HostileAnswer): void {
  const body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  // Header values fast-check makes may hold characters HTTP forbids; a real server could not send them either.
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    try {
      response.setHeader(name, value);
    } catch {
      // leave the header out
    }
  }
  response.setHeader('content-length', body.length);
  response.writeHead(answer.status);
  if (answer.truncate && body.length > 1) {
    response.write(body.subarray(0, Math.floor(body.length / 2)));
    response.socket?.destroy();
    return;
  }
  response.end(body);
}

export async function startHostileServer(initial: HostileHandler): Promise<HostileServer> {
  let handler = initial;
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const answer = handler(request);
    request.resume();
    if (answer.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!response.destroyed) send(response, answer);
      }, answer.delayMs);
      timers.add(timer);
    } else {
      send(response, answer);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answerWith: (next) => {
      handler = next;
    },
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
