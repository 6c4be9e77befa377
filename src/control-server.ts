/**
 * The local control socket: HTTP over a unix socket, by default `<neard home>/kuutamod.sock`, for the
 * commands that act on this node (kuutamoctl switchover, restart, ...). It is protected by file
 * permissions only, as kneard's: mode 0600 (0660 with --control-socket-group), never a TCP port.
 * Each feature adds its routes as a Fastify plugin under /v1/.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { chmodSync, chownSync, lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { OperatorError } from './errors.js';

/** Linux's sun_path holds 108 bytes, the last one a NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export interface ControlServerOptions {
  path: string;
  /** Group (name or numeric id) that may use the socket too; undefined: the owner alone. */
  group?: string;
  routes: FastifyPluginAsync[];
}

/** The numeric id of a group name (from /etc/group) or of a number given as such. */
export function groupIdOf(group: string, groupFile = '/etc/group'): number {
  if (/^\d+$/.test(group)) return Number(group);
  const line = readFileSync(groupFile, 'utf8')
    .split('\n')
    .find((entry) => entry.split(':')[0] === group);
  const gid = line === undefined ? NaN : Number(line.split(':')[2]);
  if (!Number.isInteger(gid)) throw new OperatorError(`--control-socket-group: no group "${group}" in ${groupFile}. Create it or give a numeric group id.`);
  return gid;
}

/** Whether something answers on the unix socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A socket file left by a daemon that died is removed; a live one, or any other file, is the operator's to sort out. */
async function clearStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return;
  }
  if (!stats.isSocket()) throw new OperatorError(`--control-socket ${path}: exists and is not a socket. Remove it or pick another path.`);
  if (await answers(path)) throw new OperatorError(`--control-socket ${path}: another kuutamod answers there. Stop it, or give this one its own --control-socket.`);
  unlinkSync(path);
}

export async function startControlServer({ path, group, routes }: ControlServerOptions): Promise<FastifyInstance> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new OperatorError(`--control-socket ${path}: longer than the ${MAX_SOCKET_PATH_BYTES} bytes a unix socket path may have. Give a shorter --control-socket.`);
  }
  const gid = group === undefined ? undefined : groupIdOf(group);
  await clearStaleSocket(path);
  const app = Fastify({ logger: false });
  for (const plugin of routes) await app.register(plugin, { prefix: '/v1' });
  // The socket is created by listen(): with this umask it is never, even for an instant, open to others.
  const umask = process.umask(0o177);
  try {
    await app.listen({ path });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OperatorError(`--control-socket ${path}: cannot listen (${code}). Check the directory exists and is writable by this user.`);
  } finally {
    process.umask(umask);
  }
  if (gid !== undefined) {
    chownSync(path, -1, gid);
    chmodSync(path, 0o660);
  }
  // Fastify removes the socket file on close.
  return app;
}
