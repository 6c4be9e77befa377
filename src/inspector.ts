/**
 * `--inspect <ws-url>`: stream the failover actor system to the Stately inspector (XState v5's inspector,
 * @statelyai/inspect; @xstate/inspect only speaks XState 4). The daemon is only a WebSocket *client* of
 * a relay (the package's createInspectorServer, see docs/inspector.md), so it opens no listening port of
 * its own. Debugging aid: off unless the flag is given; losing the relay never affects the daemon.
 */
import type { Logger } from 'pino';
import type { InspectionEvent } from 'xstate';

export type InspectCallback = (event: InspectionEvent) => void;

export interface Inspector {
  inspect: InspectCallback;
  stop(): void;
}

/** The default relay address of `npm run inspector` (the package's default port). */
export const DEFAULT_INSPECTOR_URL = 'ws://127.0.0.1:8080';

/**
 * An inspector streaming to `url`, or undefined when inspection is off (`url` undefined or false).
 * The package is imported only when inspection is on: it costs every daemon ~7 MB of memory otherwise.
 */
export async function startInspector(url: string | boolean | undefined, logger: Logger): Promise<Inspector | undefined> {
  if (url === undefined || url === false) return undefined;
  const target = url === true || url === '' ? DEFAULT_INSPECTOR_URL : url;
  if (!/^wss?:\/\//.test(target)) throw new Error(`--inspect: '${target}' is not a ws:// or wss:// URL of an inspector relay.`);
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  const inspector = createWebSocketInspector({ url: target });
  logger.info({ url: target }, 'streaming the actor system to the Stately inspector relay');
  return {
    // Never let the debugging aid break the daemon: a failing serialization is dropped, not thrown.
    inspect: (event) => {
      try {
        inspector.inspect.next?.(event);
      } catch (error) {
        logger.debug({ err: error }, 'inspector: event dropped');
      }
    },
    stop: () => inspector.stop(),
  };
}

/** One `inspect` option from several callbacks (the observer always, the inspector when on). */
export function combineInspect(...callbacks: Array<InspectCallback | undefined>): InspectCallback {
  const active = callbacks.filter((callback): callback is InspectCallback => callback !== undefined);
  return (event) => {
    for (const callback of active) callback(event);
  };
}
