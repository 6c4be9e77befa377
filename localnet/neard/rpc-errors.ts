// nearcore's JSON-RPC error objects (chain/jsonrpc-primitives/src/errors.rs), in one place so
// every method answers faults in the exact shapes a client of real neard must handle.

export interface RpcErrorBody {
  name: string;
  cause: { name: string; info: unknown };
  code: number;
  message: string;
  data: unknown;
}

export const methodNotFound = (method: string): RpcErrorBody => ({
  name: 'REQUEST_VALIDATION_ERROR',
  cause: { name: 'METHOD_NOT_FOUND', info: { method_name: method } },
  code: -32601,
  message: 'Method not found',
  data: method,
});

export const parseError = (message: string): RpcErrorBody => ({
  name: 'REQUEST_VALIDATION_ERROR',
  cause: { name: 'PARSE_ERROR', info: { error_message: message } },
  code: -32700,
  message: 'Parse error',
  data: message,
});

export const nodeIsSyncing = (): RpcErrorBody => ({
  name: 'HANDLER_ERROR',
  cause: { name: 'NODE_IS_SYNCING', info: null },
  code: -32000,
  message: 'Server error',
  data: 'Node is syncing',
});

/** A handler's internal failure; nearcore answers it with HTTP 500. */
export const internalError = (message: string): RpcErrorBody => ({
  name: 'INTERNAL_ERROR',
  cause: { name: 'INTERNAL_ERROR', info: { error_message: message } },
  code: -32000,
  message: 'Server error',
  data: message,
});
