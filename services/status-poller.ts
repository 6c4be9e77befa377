/**
 * The status poller actor: asks neard's RPC `/status` once per interval and reports what it saw.
 * It reports every answer and every failure; counting failures and deciding is the chart's job.
 */
import { fromCallback } from 'xstate';
import type { StatusEvent } from '../machines/failover-events.js';
import type { FailoverTimings } from '../machines/failover-timings.js';
import { errorMessage } from './error-message.js';

export interface StatusPollerOptions {
  /** e.g. http://127.0.0.1:3030 */
  rpcUrl: string;
  /** statusIntervalMs between two queries; requestTimeoutMs for each. */
  timings: Pick<FailoverTimings, 'statusIntervalMs' | 'requestTimeoutMs'>;
}

/** The parts of nearcore's StatusResponse the supervisor relies on. */
export interface NeardStatus {
  syncing: boolean;
  height: number;
  validatorAccountId: string | null;
}

/** Validate a /status body; throws with a message saying which field is wrong. */
export function parseNeardStatus(body: unknown): NeardStatus {
  const syncInfo = (body as { sync_info?: Record<string, unknown> } | null)?.sync_info;
  if (typeof syncInfo !== 'object' || syncInfo === null) throw new Error('neard /status has no sync_info object');
  const { syncing, latest_block_height: height } = syncInfo;
  if (typeof syncing !== 'boolean') throw new Error('neard /status sync_info.syncing is not a boolean');
  if (typeof height !== 'number') throw new Error('neard /status sync_info.latest_block_height is not a number');
  const account = (body as { validator_account_id?: unknown }).validator_account_id;
  return { syncing, height, validatorAccountId: typeof account === 'string' ? account : null };
}

export async function fetchNeardStatus(rpcUrl: string, timeoutMs: number): Promise<NeardStatus> {
  const response = await fetch(`${rpcUrl}/status`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`neard /status answered HTTP ${response.status}`);
  return parseNeardStatus(await response.json());
}

export function statusPollerActor({ rpcUrl, timings }: StatusPollerOptions) {
  return fromCallback(({ sendBack }) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const poll = async (): Promise<void> => {
      let event: StatusEvent;
      try {
        const status = await fetchNeardStatus(rpcUrl, timings.requestTimeoutMs);
        event = { type: 'STATUS_OK', ...status };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        event = { type: 'STATUS_FAILED', error: `Failed to get status: ${cause ?? errorMessage(error)}` };
      }
      if (stopped) return;
      sendBack(event);
      timer = setTimeout(() => void poll(), timings.statusIntervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
}
