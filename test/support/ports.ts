// Free TCP ports picked by the kernel, so parallel test runs and leftover processes never collide
// on a fixed port. There is a small window between closing and the caller binding; callers that
// spawn servers should retry on "address already in use".
import { createServer, type Server } from 'node:net';

function listenEphemeral(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve(server));
  });
}

function portOf(server: Server): number {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('listener has no TCP address');
  return addr.port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One free port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no port allocated');
  return port;
}

/**
 * Ports already handed out by this process. A port given to a test is often bound only later (a neard
 * home's rpc.addr is written long before neard listens), so the kernel may offer it again meanwhile:
 * two callers would then get the same port and one of them fail with EADDRINUSE.
 */
const handedOut = new Set<number>();

/** n distinct free ports, never one this process handed out before (listeners stay open until all are known). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  const fresh: number[] = [];
  try {
    while (fresh.length < n) {
      const server = await listenEphemeral();
      servers.push(server); // kept open even when refused, so the kernel offers another port next
      const port = portOf(server);
      if (!handedOut.has(port)) fresh.push(port);
    }
    for (const port of fresh) handedOut.add(port);
    return fresh;
  } finally {
    await Promise.all(servers.map(close));
  }
}
