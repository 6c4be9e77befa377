// JSON-RPC `validators` with params [null] (the current epoch): nearcore's EpochValidatorInfo
// (core/primitives/src/views.rs) built from the stand-in's block schedule and ledger, so its
// counts are the same numbers /metrics shows: the head's epoch, from its first height up to
// the head. Other epoch references (a block id, an epoch id) are not served: PARSE_ERROR.
import { cryptoHash } from './chain.js';
import type { GenesisValidator } from './home.js';
import type { DutyCounts } from './duty-count.js';
import type { ValidatorsRpcMode } from './env.js';
import { internalError, methodNotFound, parseError } from './rpc-errors.js';
import type { RpcOutcome } from './windows-rpc.js';

export interface ValidatorsView {
  epochStartHeight: number;
  epochHeight: number;
  genesisValidators: readonly GenesisValidator[];
  /** Every account with duties (schedule.accounts()) and its counts of the head's epoch so far. */
  validators: ReadonlyArray<{ accountId: string; counts: DutyCounts }>;
}

/** nearcore's try_singleton: a one-element array; null there means EpochReference::Latest. */
const isLatest = (params: unknown): boolean => Array.isArray(params) && params.length === 1 && params[0] === null;

function currentValidator(view: ValidatorsView, accountId: string, c: DutyCounts): Record<string, unknown> {
  const genesis = view.genesisValidators.find((v) => v.account_id === accountId);
  return {
    account_id: accountId,
    // An account only NEARD_STANDIN_SCHEDULE names has no genesis key: a stable made-up one.
    public_key: genesis?.public_key ?? `ed25519:${cryptoHash('schedule-only', accountId)}`,
    is_slashed: false,
    stake: genesis?.amount ?? '0',
    shards: [0],
    num_produced_blocks: c.blocksProduced,
    num_expected_blocks: c.blocksExpected,
    num_produced_chunks: c.chunksProduced,
    num_expected_chunks: c.chunksExpected,
    num_produced_chunks_per_shard: [c.chunksProduced],
    num_expected_chunks_per_shard: [c.chunksExpected],
  };
}

export function validatorsAnswer(mode: ValidatorsRpcMode, params: unknown, view: () => ValidatorsView): RpcOutcome {
  // NEARD_STANDIN_VALIDATORS_RPC: the faults a supervisor must survive without a false move.
  if (mode === 'absent') return { http: 200, error: methodNotFound('validators') };
  if (mode === 'error') return { http: 500, error: internalError('VALIDATOR_INFO_UNAVAILABLE (NEARD_STANDIN_VALIDATORS_RPC=error)') };
  if (mode === 'garbage') return { http: 200, result: { current_validators: 'soon', epoch_start_height: -1 } };
  if (!isLatest(params)) {
    return { http: 200, error: parseError('the stand-in answers validators only for [null], the current epoch') };
  }
  const v = view();
  const current = v.validators.map(({ accountId, counts }) => currentValidator(v, accountId, counts));
  return {
    http: 200,
    result: {
      current_validators: current,
      next_validators: current.map(({ account_id, public_key, stake, shards }) => ({ account_id, public_key, stake, shards })),
      current_fishermen: [],
      next_fishermen: [],
      current_proposals: [],
      prev_epoch_kickout: [],
      epoch_start_height: v.epochStartHeight,
      epoch_height: v.epochHeight,
    },
  };
}
