// JSON-RPC `maintenance_windows` (stable in neard 2.x) and `EXPERIMENTAL_maintenance_windows`
// (older, kept as a deprecated alias): params {"account_id": "..."}, result the half-open
// ranges [start, end) from the head to the end of the epoch in which the account produces
// no block and no chunk. NEARD_STANDIN_WINDOWS_RPC / _SHAPE pick the neard version or fault
// a supervisor must cope with: method absent (older neard), an error, or a malformed result.
import type { WindowsRpcMode, WindowsShape } from './env.js';
import { internalError, methodNotFound, parseError, type RpcErrorBody } from './rpc-errors.js';

export const WINDOWS_METHODS = ['maintenance_windows', 'EXPERIMENTAL_maintenance_windows'] as const;

export type RpcOutcome = { http: number; result: unknown } | { http: number; error: RpcErrorBody };

export interface WindowsRpcConfig {
  mode: WindowsRpcMode;
  shape: WindowsShape;
  windows(accountId: string): Array<[number, number]>;
}

function methodExists(mode: WindowsRpcMode, method: string): boolean {
  if (mode === 'absent') return false;
  if (mode === 'experimental') return method === 'EXPERIMENTAL_maintenance_windows';
  return true;
}

export function maintenanceWindows(cfg: WindowsRpcConfig, method: string, params: unknown): RpcOutcome {
  if (!methodExists(cfg.mode, method)) return { http: 200, error: methodNotFound(method) };
  const accountId = (params as { account_id?: unknown } | null)?.account_id;
  if (typeof params !== 'object' || params === null || Array.isArray(params) || typeof accountId !== 'string') {
    return { http: 200, error: parseError('Failed parsing args: missing field `account_id`') };
  }
  if (cfg.mode === 'error') {
    return { http: 500, error: internalError('EpochError: the epoch info is not available (NEARD_STANDIN_WINDOWS_RPC=error)') };
  }
  if (cfg.mode === 'garbage') return { http: 200, result: [[7], { start: 'soon' }, null, 'windows'] };
  const windows = cfg.windows(accountId);
  return {
    http: 200,
    result: cfg.shape === 'pairs' ? windows : windows.map(([start, end]) => ({ start, end })),
  };
}
