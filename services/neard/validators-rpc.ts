/**
 * The chain's production counts for one account (issue 17): JSON-RPC `validators` with params `[null]`
 * (the current epoch) on neard's RPC URL. The counts are the chain's, the same on every node that follows
 * it, for the current epoch so far; machines/production-counts.ts turns successive readings into misses.
 *
 * Field names checked in nearcore's source (near/nearcore): core/primitives/src/views.rs,
 * `EpochValidatorInfo {current_validators, next_validators, current_fishermen, next_fishermen,
 * current_proposals, prev_epoch_kickout, epoch_start_height, epoch_height}` and `CurrentEpochValidatorInfo
 * {account_id, public_key, is_slashed, stake, shards, num_produced_blocks, num_expected_blocks,
 * num_produced_chunks, num_expected_chunks, ..._per_shard, ...endorsements}` (the chunk counts are
 * `#[serde(default)]` but always serialized); chain/jsonrpc/src/api/validator.rs parses a one-element
 * array `[block_id | null]`, null meaning `EpochReference::Latest`; chain/jsonrpc-primitives/src/types/
 * validator.rs names the errors UNKNOWN_EPOCH, VALIDATOR_INFO_UNAVAILABLE, INTERNAL_ERROR.
 */
import { errorMessage } from '../error-message.js';
import { FailureError } from '../failure-error.js';

export type ValidatorsFailure = 'unreachable' | 'http' | 'error' | 'garbage';

export class ValidatorsRpcError extends FailureError<ValidatorsFailure> {
  override readonly name = 'ValidatorsRpcError';
}

/** The epoch the answer is about. */
export interface EpochOfCounts {
  epochStartHeight: number;
  /** nearcore's epoch_height; null when the answer had none. */
  epochHeight: number | null;
}

/** One account's counts for the current epoch so far, or the news that it is not a current validator. */
export type AccountProduction =
  | (EpochOfCounts & { kind: 'validator'; producedBlocks: number; expectedBlocks: number; producedChunks: number; expectedChunks: number })
  | (EpochOfCounts & { kind: 'not-validator' });

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const COUNT_FIELDS = ['num_produced_blocks', 'num_expected_blocks', 'num_produced_chunks', 'num_expected_chunks'] as const;

/** Check a `result` and pick `accountId`'s counts; a wrong shape is a ValidatorsRpcError('garbage') naming the field. */
export function parseValidators(result: unknown, accountId: string, where: string): AccountProduction {
  const bad = (what: string): ValidatorsRpcError => new ValidatorsRpcError('garbage', `${where} answered a validators result ${what}`);
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw bad(`that is not an object (${JSON.stringify(result)?.slice(0, 80)})`);
  const info = result as Record<string, unknown>;
  if (!isCount(info.epoch_start_height)) throw bad(`without a block height in epoch_start_height (${JSON.stringify(info.epoch_start_height)})`);
  if (info.epoch_height !== undefined && !isCount(info.epoch_height)) throw bad(`with epoch_height ${JSON.stringify(info.epoch_height)}, not a number`);
  if (!Array.isArray(info.current_validators)) throw bad('without a current_validators list');
  const epoch: EpochOfCounts = { epochStartHeight: info.epoch_start_height, epochHeight: info.epoch_height ?? null };
  const mine = info.current_validators.filter((v) => (v as { account_id?: unknown } | null)?.account_id === accountId);
  if (mine.length === 0) return { ...epoch, kind: 'not-validator' };
  if (mine.length > 1) throw bad(`listing ${accountId} ${mine.length} times in current_validators`);
  const entry = mine[0] as Record<string, unknown>;
  for (const field of COUNT_FIELDS) {
    if (!isCount(entry[field])) throw bad(`where ${accountId}'s ${field} is ${JSON.stringify(entry[field]) ?? 'missing'}, not a count`);
  }
  return {
    ...epoch,
    kind: 'validator',
    producedBlocks: entry.num_produced_blocks as number,
    expectedBlocks: entry.num_expected_blocks as number,
    producedChunks: entry.num_produced_chunks as number,
    expectedChunks: entry.num_expected_chunks as number,
  };
}

interface RpcAnswer {
  result?: unknown;
  error?: { name?: unknown; message?: unknown; data?: unknown; cause?: { name?: unknown; info?: unknown } };
}

/** Why a request did not get an answer, in words (fetch says only "fetch failed"). */
function whyUnreachable(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs}ms`;
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? code : errorMessage(error);
}

/** `accountId`'s counts from neard at `rpcUrl` (e.g. http://127.0.0.1:3030); every failure is a ValidatorsRpcError naming the URL. */
export async function fetchAccountProduction(rpcUrl: string, accountId: string, timeoutMs: number): Promise<AccountProduction> {
  const where = `neard ${rpcUrl} validators`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'kuutamod', method: 'validators', params: [null] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw new ValidatorsRpcError('unreachable', `${where}: ${whyUnreachable(error, timeoutMs)}`);
  }
  let body: RpcAnswer | undefined;
  try {
    body = JSON.parse(text) as RpcAnswer;
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    if (!response.ok) throw new ValidatorsRpcError('http', `${where}: HTTP ${response.status} (${text.slice(0, 120)})`);
    throw new ValidatorsRpcError('garbage', `${where}: HTTP ${response.status} with a body that is not JSON-RPC (${text.length} characters)`);
  }
  if (body.error !== undefined) {
    const cause = body.error.cause?.name ?? body.error.name;
    const info = body.error.cause?.info ?? body.error.data ?? body.error.message;
    throw new ValidatorsRpcError('error', `${where}: HTTP ${response.status}, error ${JSON.stringify(cause)} ${JSON.stringify(info)?.slice(0, 200)}`);
  }
  if (!response.ok) throw new ValidatorsRpcError('http', `${where}: HTTP ${response.status}`);
  if (!('result' in body)) throw new ValidatorsRpcError('garbage', `${where}: HTTP ${response.status} without result or error`);
  return parseValidators(body.result, accountId, where);
}
