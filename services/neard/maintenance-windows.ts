/**
 * neard's maintenance windows: the block ranges, from the head to the end of the current epoch, in which
 * the validator account produces no block and no chunk (REFERENCE.md section 2). A planned stop or a
 * handover inside one costs the pool nothing.
 *
 * JSON-RPC `maintenance_windows` (neard 2.x), else `EXPERIMENTAL_maintenance_windows` (older neard).
 * Ranges are half-open [start, end), serialized as [[s, e], ...] or [{"start": s, "end": e}, ...] by
 * different versions: both are accepted. Any other answer is a MaintenanceWindowsError saying why, so
 * callers can tell an operator to use --now / --schedule-at instead. This file fetches and checks them
 * only; which one a stop goes in is machines/window-rules.ts.
 */
import type { MaintenanceWindow } from '../../machines/window-rules.js';
import { errorMessage } from '../error-message.js';
import { FailureError } from '../failure-error.js';

export type WindowsFailure = 'absent' | 'error' | 'garbage' | 'unreachable';

export class MaintenanceWindowsError extends FailureError<WindowsFailure> {
  override readonly name = 'MaintenanceWindowsError';
}

export const WINDOWS_RPC_METHODS = ['maintenance_windows', 'EXPERIMENTAL_maintenance_windows'] as const;

/** nearcore's "method not found" RPC error (older neard lacks the stable name). */
function isMethodNotFound(error: unknown): boolean {
  const e = error as { cause?: { name?: unknown }; code?: unknown } | null;
  return e?.cause?.name === 'METHOD_NOT_FOUND' || e?.code === -32601;
}

const isHeight = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** One window in either serialization, or undefined. */
function parseWindow(item: unknown): MaintenanceWindow | undefined {
  if (Array.isArray(item) && item.length === 2 && isHeight(item[0]) && isHeight(item[1])) return { start: item[0], end: item[1] };
  const range = item as { start?: unknown; end?: unknown } | null;
  if (typeof range === 'object' && range !== null && isHeight(range.start) && isHeight(range.end)) return { start: range.start, end: range.end };
  return undefined;
}

/** Check a `result`: a list of ranges with start < end, sorted. Throws a MaintenanceWindowsError('garbage'). */
export function parseMaintenanceWindows(result: unknown, where: string): MaintenanceWindow[] {
  const short = () => JSON.stringify(result)?.slice(0, 120) ?? String(result);
  if (!Array.isArray(result)) throw new MaintenanceWindowsError('garbage', `${where} answered ${short()}, not a list of block ranges`);
  const windows: MaintenanceWindow[] = [];
  for (const item of result) {
    const window = parseWindow(item);
    if (window === undefined || window.end <= window.start) {
      throw new MaintenanceWindowsError('garbage', `${where} answered ${short()}: ${JSON.stringify(item)} is not a block range [start, end)`);
    }
    windows.push(window);
  }
  return windows.sort((a, b) => a.start - b.start);
}

interface RpcAnswer {
  result?: unknown;
  error?: { name?: unknown; code?: unknown; message?: unknown; cause?: { name?: unknown; info?: unknown } };
}

async function callRpc(rpcUrl: string, method: string, params: unknown, timeoutMs: number): Promise<{ http: number; body: RpcAnswer | undefined }> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'kuutamod', method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs}ms` : typeof code === 'string' ? code : errorMessage(error);
    throw new MaintenanceWindowsError('unreachable', `neard ${rpcUrl} ${method}: ${why}`);
  }
  const text = await response.text();
  try {
    return { http: response.status, body: JSON.parse(text) as RpcAnswer };
  } catch {
    return { http: response.status, body: undefined };
  }
}

/**
 * The windows of `accountId` from neard at `rpcUrl` (e.g. http://127.0.0.1:3030). Tries the stable
 * method, then the EXPERIMENTAL one if the first is unknown to this neard.
 */
export async function fetchMaintenanceWindows(rpcUrl: string, accountId: string, timeoutMs: number): Promise<MaintenanceWindow[]> {
  for (const method of WINDOWS_RPC_METHODS) {
    const where = `neard ${rpcUrl} ${method}`;
    const { http, body } = await callRpc(rpcUrl, method, { account_id: accountId }, timeoutMs);
    if (body === undefined || typeof body !== 'object' || body === null) {
      throw new MaintenanceWindowsError('garbage', `${where}: HTTP ${http} with a body that is not JSON-RPC`);
    }
    if (body.error !== undefined) {
      if (isMethodNotFound(body.error)) continue;
      const cause = body.error.cause?.info ?? body.error.message ?? body.error.name;
      throw new MaintenanceWindowsError('error', `${where}: HTTP ${http}, error ${JSON.stringify(cause)?.slice(0, 200)}`);
    }
    if (!('result' in body)) throw new MaintenanceWindowsError('garbage', `${where}: HTTP ${http} without result or error`);
    return parseMaintenanceWindows(body.result, where);
  }
  throw new MaintenanceWindowsError(
    'absent',
    `neard ${rpcUrl} knows neither ${WINDOWS_RPC_METHODS.join(' nor ')} (an older neard): give a height (--schedule-at) or use --now`,
  );
}
