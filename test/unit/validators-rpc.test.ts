/** Parsing neard's `validators` answer for one account (services/neard/validators-rpc.ts): real shapes and hostile ones. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseValidators, ValidatorsRpcError } from '../../services/neard/validators-rpc.js';

/** A current validator as nearcore 2.x serializes CurrentEpochValidatorInfo (core/primitives/src/views.rs). */
const entry = (accountId: string, counts: Partial<Record<string, unknown>> = {}): Record<string, unknown> => ({
  account_id: accountId,
  public_key: 'ed25519:6DSjZ8mvsRZDvFqFxo8tCKePG96omXW7eVYVSySmDk8e',
  is_slashed: false,
  stake: '1000000000000000000000000000000',
  shards: [0],
  num_produced_blocks: 41,
  num_expected_blocks: 43,
  num_produced_chunks: 120,
  num_expected_chunks: 125,
  num_produced_chunks_per_shard: [120],
  num_expected_chunks_per_shard: [125],
  ...counts,
});

/** An EpochValidatorInfo result as neard answers `validators [null]`. */
const answer = (validators: unknown[], fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  current_validators: validators,
  next_validators: [],
  current_fishermen: [],
  next_fishermen: [],
  current_proposals: [],
  prev_epoch_kickout: [{ account_id: 'gone.near', reason: { NotEnoughBlocks: { produced: 1, expected: 40 } } }],
  epoch_start_height: 1_201,
  epoch_height: 21,
  ...fields,
});

const isGarbage = (pattern: RegExp) => (error: unknown): boolean =>
  error instanceof ValidatorsRpcError && error.failure === 'garbage' && /neard http:\/\/n:3030 validators/.test(error.message) && pattern.test(error.message);

describe('validators RPC answer', () => {
  test("picks one account's counts and the epoch out of a real-shaped answer", () => {
    const result = answer([entry('other.near', { num_produced_blocks: 1 }), entry('pool.near')]);
    assert.deepEqual(parseValidators(result, 'pool.near', 'neard http://n:3030 validators'), {
      kind: 'validator', epochStartHeight: 1_201, epochHeight: 21, producedBlocks: 41, expectedBlocks: 43, producedChunks: 120, expectedChunks: 125,
    });
  });

  test('an account not among current_validators is said so, with the epoch', () => {
    assert.deepEqual(parseValidators(answer([entry('other.near')]), 'pool.near', 'x'), { kind: 'not-validator', epochStartHeight: 1_201, epochHeight: 21 });
    assert.deepEqual(parseValidators(answer([], { epoch_height: undefined }), 'pool.near', 'x'), { kind: 'not-validator', epochStartHeight: 1_201, epochHeight: null });
  });

  test('hostile answers are garbage errors naming neard and the field', () => {
    const where = 'neard http://n:3030 validators';
    const cases: Array<[unknown, RegExp]> = [
      [null, /not an object/],
      ['validators', /not an object/],
      [[entry('pool.near')], /not an object/],
      [answer([entry('pool.near')], { epoch_start_height: '1201' }), /epoch_start_height/],
      [answer([entry('pool.near')], { epoch_start_height: undefined }), /epoch_start_height/],
      [answer([entry('pool.near')], { epoch_height: -1 }), /epoch_height/],
      [answer([entry('pool.near')], { current_validators: { 'pool.near': {} } }), /current_validators/],
      [answer([entry('pool.near', { num_expected_blocks: undefined })]), /num_expected_blocks is missing/],
      [answer([entry('pool.near', { num_produced_chunks: '12' })]), /num_produced_chunks is "12"/],
      [answer([entry('pool.near', { num_expected_chunks: 1.5 })]), /num_expected_chunks/],
      [answer([entry('pool.near', { num_produced_blocks: -3 })]), /num_produced_blocks/],
      [answer([entry('pool.near', { num_produced_blocks: 2 ** 60 })]), /num_produced_blocks/],
      [answer([entry('pool.near'), entry('pool.near')]), /2 times/],
    ];
    for (const [result, pattern] of cases) assert.throws(() => parseValidators(result, 'pool.near', where), isGarbage(pattern), JSON.stringify(result)?.slice(0, 100));
  });

  test('null entries in the list do not crash the search', () => {
    assert.equal(parseValidators(answer([null, 7, entry('pool.near')]), 'pool.near', 'x').kind, 'validator');
  });
});
