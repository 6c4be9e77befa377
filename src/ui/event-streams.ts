/** Server-sent event streams: each browser gets the current view at once, then every change. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const KEEPALIVE_MS = 15_000;

export class EventStreams {
  private readonly open_ = new Set<ServerResponse>();

  open(response: ServerResponse, request: IncomingMessage, first: string): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(`retry: 1000\ndata: ${first}\n\n`);
    // A comment line now and then keeps proxies from closing an idle stream.
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    this.open_.add(response);
    request.on('close', () => {
      clearInterval(keepalive);
      this.open_.delete(response);
    });
  }

  broadcast(data: string): void {
    for (const response of this.open_) response.write(`data: ${data}\n\n`);
  }

  closeAll(): void {
    for (const response of this.open_) response.end();
    this.open_.clear();
  }
}
