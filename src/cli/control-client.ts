/**
 * kuutamoctl's side of the control socket: one JSON request over it (where it is: control-socket-path.ts).
 */
import { request } from 'node:http';
import { OperatorError } from '../errors.js';
export { controlSocketPath } from '../control-socket-path.js';

/** How long kuutamoctl waits for the daemon's answer; --wait commands poll with short requests. */
export const CONTROL_REQUEST_TIMEOUT_MS = 30_000;

export interface ControlAnswer<T = unknown> {
  status: number;
  body: T;
}

/** One request to the daemon; a daemon that is not there is an OperatorError saying where we looked. */
export function controlRequest<T = unknown>(socketPath: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ControlAnswer<T>> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        timeout: CONTROL_REQUEST_TIMEOUT_MS,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          try {
            resolvePromise({ status: response.statusCode ?? 0, body: (text === '' ? null : JSON.parse(text)) as T });
          } catch {
            reject(new OperatorError(`kuutamod at ${socketPath} answered ${method} ${path} with something that is not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${CONTROL_REQUEST_TIMEOUT_MS / 1000}s`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
          ? 'no kuutamod listens there. Is it running? Give its --neard-home or --control-socket (or KUUTAMO_NEARD_HOME / KUUTAMO_CONTROL_SOCKET).'
          : error.code === 'EACCES'
            ? 'permission denied. Run kuutamoctl as the user kuutamod runs as (or a member of its --control-socket-group).'
            : error.message;
      reject(new OperatorError(`control socket ${socketPath}: ${why}`));
    });
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
