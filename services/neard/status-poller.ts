/**
 * The status poller actor: asks neard's RPC `/status` once per interval and reports what it saw.
 * It reports every answer and every failure; counting failures and deciding is the chart's job.
 */
import { fromCallback } from 'xstate';
import type { StatusEvent } from '../../machines/failover-events.js';
import type { FailoverTimings } from '../../machines/failover-timings.js';
import { errorMessage } from '../error-message.js';

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
  /** `version.version` (e.g. "2.3.0"), null when the answer has none. */
  neardVersion: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as an error message shows it: its JSON, cut short, or "missing". */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * Validate a /status body; throws with a message naming the wrong field and showing its value. The
 * fields the supervisor decides on must be of nearcore's type; the ones it only reports
 * (validator_account_id, version.version) read as null when missing or of another type, so an odd
 * informational field never counts as a failed answer.
 */
export function parseNeardStatus(body: unknown): NeardStatus {
  const syncInfo = isObject(body) ? body.sync_info : undefined;
  if (!isObject(syncInfo)) throw new Error(`sync_info is not an object (${isObject(body) ? shown(syncInfo) : `the answer is ${shown(body)}`})`);
  const { syncing, latest_block_height: height } = syncInfo;
  if (typeof syncing !== 'boolean') throw new Error(`sync_info.syncing is not a boolean (${shown(syncing)})`);
  if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 0) {
    throw new Error(`sync_info.latest_block_height is not a block height (${shown(height)})`);
  }
  const { validator_account_id: account, version } = body as { validator_account_id?: unknown; version?: unknown };
  const versionText = isObject(version) ? version.version : undefined;
  return { syncing, height, validatorAccountId: typeof account === 'string' ? account : null, neardVersion: typeof versionText === 'string' ? versionText : null };
}

/** Why a query failed, in words: fetch's own errors say only "fetch failed" and hide the reason in `cause`. */
function whyFailed(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs}ms`;
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (code === 'UND_ERR_SOCKET') return 'the connection closed mid-answer';
  // ECONNREFUSED and the like: the word kuutamod logs too.
  return typeof code === 'string' ? code : errorMessage(error);
}

/** One query of `${rpcUrl}/status`; every failure is an Error whose message starts with `neard <url>: `. */
export async function fetchNeardStatus(rpcUrl: string, timeoutMs: number): Promise<NeardStatus> {
  const url = `${rpcUrl}/status`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`answered HTTP ${response.status}`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`answered a body that is not JSON (${text.length} characters)`);
    }
    return parseNeardStatus(body);
  } catch (error) {
    throw new Error(`neard ${url}: ${whyFailed(error, timeoutMs)}`, { cause: error });
  }
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
        event = { type: 'STATUS_FAILED', error: `Failed to get status: ${errorMessage(error)}` };
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
