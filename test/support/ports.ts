// Free TCP ports for test servers, so parallel test runs and leftover processes never collide on a
// fixed port. They are picked BELOW the kernel's ephemeral range (ip_local_port_range), where no
// outgoing connection or port-0 listener of any process is ever given one: a server killed and
// restarted on its own ports (a Consul server in the chaos tests) then finds them still free. A port
// from the ephemeral range could be taken in that gap as the source port of any connection on the
// machine (seen: a restarted Consul server failed with "bind: address already in use" on its WAN
// port while a soak ran beside the suite). There is still a small window between closing and the
// caller binding; callers that spawn servers should retry on "address already in use".
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** Where the picks come from: [low, high], below the ephemeral range; null if that leaves too few. */
function pickRange(): { low: number; high: number } | null {
  let ephemeralLow = 32768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low)) ephemeralLow = low;
  } catch {
    // Not Linux, or no /proc: the common default.
  }
  const range = { low: 10_000, high: ephemeralLow - 1 };
  return range.high - range.low >= 2_000 ? range : null;
}

const RANGE = pickRange();

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => (port !== 0 && (error.code === 'EADDRINUSE' || error.code === 'EACCES') ? resolve(null) : reject(error)));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
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

/** A listener on a random free port below the ephemeral range (the kernel's pick if there is no room). */
async function listenOnCandidate(): Promise<Server> {
  if (RANGE === null) return (await listen(0))!;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = RANGE.low + Math.floor(Math.random() * (RANGE.high - RANGE.low + 1));
    const server = await listen(port);
    if (server) return server;
  }
  throw new Error(`no free port found in ${RANGE.low}-${RANGE.high} after 200 tries`);
}

/** One free port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no port allocated');
  return port;
}

/**
 * Ports already handed out by this process. A port given to a test is often bound only later (a neard
 * home's rpc.addr is written long before neard listens), so a later pick may land on it meanwhile:
 * two callers would then get the same port and one of them fail with EADDRINUSE.
 */
const handedOut = new Set<number>();

/** n distinct free ports, never one this process handed out before (listeners stay open until all are known). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  const fresh: number[] = [];
  try {
    while (fresh.length < n) {
      const server = await listenOnCandidate();
      servers.push(server); // kept open even when refused, so the next pick is another port
      const port = portOf(server);
      if (!handedOut.has(port)) fresh.push(port);
    }
    for (const port of fresh) handedOut.add(port);
    return fresh;
  } finally {
    await Promise.all(servers.map(close));
  }
}
