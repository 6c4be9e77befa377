// The peer-to-peer listener on network.addr. No protocol: it only proves which address
// (validator or voter) the node was started with. Connections are accepted and closed.
import { createServer, type Server } from 'node:net';
import type { SocketAddr } from './addr.js';

export function startP2pListener(addr: SocketAddr): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: addr.host, port: addr.port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function stopP2pListener(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
