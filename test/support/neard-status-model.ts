/**
 * An independent model of neard's `GET /status` answer for the status parser's fuzz test, written from
 * nearcore's own types (core/primitives/src/views.rs, nearcore 2.x: StatusResponse, StatusSyncInfo,
 * Version; REFERENCE.md section 2), not from services/neard/status-poller.ts.
 *
 * `statusCase` makes a whole StatusResponse from a few chosen values, then maybe breaks some of its
 * fields, and says what the parser must make of it:
 * - the fields the supervisor decides on (`sync_info`, `sync_info.syncing`, `sync_info.latest_block_height`)
 *   must be of nearcore's type, or the answer is refused naming the broken field;
 * - the fields it only reports (`validator_account_id`, `version.version`) read as null when missing or
 *   of another type: a neard whose answer has an odd informational field is not a failed neard
 *   (three failed answers send a running neard back to Startup);
 * - every other field, and any field nearcore may add, is ignored.
 */
import fc from 'fast-check';

/** What the parser must return for a well-formed answer: the chosen values, exactly. */
export interface ExpectedStatus {
  syncing: boolean;
  height: number;
  validatorAccountId: string | null;
  neardVersion: string | null;
}

/** The body as JSON text, and either the status it must read as or the fields whose breakage must be named. */
export interface StatusCase {
  body: unknown;
  expected: { ok: ExpectedStatus } | { refused: string[] };
}

/** NEAR account ids: 2-64 characters of a-z, 0-9 and the separators `.`, `_`, `-` (nearcore's AccountId). */
const accountId = fc.stringMatching(/^[a-z0-9]([a-z0-9_-]{0,20}\.){0,2}[a-z0-9_-]{1,20}$/).filter((id) => id.length >= 2 && id.length <= 64);

/** Base58 of a 32-byte hash, as nearcore prints a CryptoHash. */
const cryptoHash = fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/);
const publicKey = cryptoHash.map((key) => `ed25519:${key}`);
/** nearcore prints times as RFC 3339 with nanoseconds. */
const utcTime = fc.date({ min: new Date('2020-07-21T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '123456Z'));
/** BlockHeight is a u64; JavaScript holds it exactly up to 2^53 - 1, and heights stay far below that. */
const blockHeight = fc.oneof(fc.nat({ max: 300_000_000 }), fc.maxSafeNat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER));

/** The values the supervisor reads, chosen first so the oracle knows them. */
const chosen = fc.record({
  syncing: fc.boolean(),
  height: blockHeight,
  validatorAccountId: fc.option(accountId, { nil: null }),
  neardVersion: fc.oneof(fc.constantFrom('2.3.0', '2.4.0-rc.1', 'trunk'), fc.string({ maxLength: 12 })),
});

/** Fields nearcore may add in a later version: any name that is not one of the modelled ones. */
function extras(taken: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((key) => !taken.includes(key) && key !== '__proto__'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
}

const SYNC_INFO_FIELDS = ['latest_block_hash', 'latest_block_height', 'latest_state_root', 'latest_block_time', 'syncing', 'earliest_block_hash', 'earliest_block_height', 'earliest_block_time', 'epoch_id', 'epoch_start_height'];
const STATUS_FIELDS = ['version', 'chain_id', 'protocol_version', 'latest_protocol_version', 'rpc_addr', 'validators', 'sync_info', 'validator_account_id', 'validator_public_key', 'node_public_key', 'node_key', 'uptime_sec', 'genesis_hash', 'detailed_debug_status'];

/** A whole StatusResponse around the chosen values, with the rest of nearcore's fields filled in. */
const wellFormed = fc
  .record({
    values: chosen,
    hashes: fc.array(cryptoHash, { minLength: 5, maxLength: 5 }),
    times: fc.array(utcTime, { minLength: 2, maxLength: 2 }),
    keys: fc.tuple(publicKey, publicKey),
    validators: fc.array(fc.record({ account_id: accountId, is_slashed: fc.boolean() }), { maxLength: 3 }),
    protocol: fc.integer({ min: 29, max: 80 }),
    rpcAddr: fc.option(fc.constantFrom('0.0.0.0:3030', '127.0.0.1:3030'), { nil: undefined }),
    chainId: fc.constantFrom('mainnet', 'testnet', 'localnet'),
    uptime: fc.nat(),
    earliestKnown: fc.boolean(),
    epochStart: fc.option(fc.nat({ max: 300_000_000 }), { nil: null }),
    statusExtras: extras(STATUS_FIELDS),
    syncExtras: extras(SYNC_INFO_FIELDS),
  })
  .map(({ values, hashes, times, keys, validators, protocol, rpcAddr, chainId, uptime, earliestKnown, epochStart, statusExtras, syncExtras }) => {
    const [blockHash, stateRoot, earliestHash, epochId, genesisHash] = hashes as [string, string, string, string, string];
    const body = {
      ...statusExtras,
      version: { version: values.neardVersion, build: 'nightly', commit: hashes[0], rustc_version: '1.82.0' },
      chain_id: chainId,
      protocol_version: protocol,
      latest_protocol_version: protocol,
      // skip_serializing_if = "Option::is_none": absent, not null, when RPC is off.
      ...(rpcAddr === undefined ? {} : { rpc_addr: rpcAddr }),
      validators,
      sync_info: {
        ...syncExtras,
        latest_block_hash: blockHash,
        latest_block_height: values.height,
        latest_state_root: stateRoot,
        latest_block_time: times[0],
        syncing: values.syncing,
        earliest_block_hash: earliestKnown ? earliestHash : null,
        earliest_block_height: earliestKnown ? 0 : null,
        earliest_block_time: earliestKnown ? times[1] : null,
        epoch_id: epochId,
        epoch_start_height: epochStart,
      },
      validator_account_id: values.validatorAccountId,
      validator_public_key: values.validatorAccountId === null ? null : keys[0],
      node_public_key: keys[1],
      node_key: values.validatorAccountId === null ? null : keys[0],
      uptime_sec: uptime,
      genesis_hash: genesisHash,
    };
    return { values, body };
  });

type Json = Record<string, unknown>;

/** One way to break the document: which field it breaks (null: only informational) and how. */
interface Breakage {
  field: string | null;
  apply(body: Json, values: ExpectedStatus): void;
}

/** Values of a JSON type other than `keep`'s, or no value at all (undefined: the field is removed). */
function otherThan(keep: 'boolean' | 'number' | 'string' | 'object'): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    boolean: fc.boolean(),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    string: fc.string({ maxLength: 6 }),
    object: fc.oneof(fc.constant({}), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 })),
  };
  return fc.oneof(fc.constant(undefined), fc.constant(null), ...Object.entries(all).filter(([type]) => type !== keep).map(([, value]) => value));
}

/** A block height nearcore would never send, or one JSON cannot carry exactly. */
const notAHeight = fc.oneof(
  otherThan('number'),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom(2 ** 53, 2 ** 64, 1e300),
);

function set(object: Json, key: string, value: unknown): void {
  if (value === undefined) delete object[key];
  else object[key] = value;
}

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.oneof(otherThan('object'), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 })).map((value): Breakage => ({ field: 'sync_info', apply: (body) => set(body, 'sync_info', value) })),
  otherThan('boolean').map((value): Breakage => ({ field: 'sync_info.syncing', apply: (body) => set(body.sync_info as Json, 'syncing', value) })),
  notAHeight.map((value): Breakage => ({ field: 'sync_info.latest_block_height', apply: (body) => set(body.sync_info as Json, 'latest_block_height', value) })),
  // Informational: the oracle's value becomes null, the answer stays good.
  otherThan('string').map((value): Breakage => ({
    field: null,
    apply: (body, values) => {
      set(body, 'validator_account_id', value);
      values.validatorAccountId = null;
    },
  })),
  fc.oneof(otherThan('object'), otherThan('string').map((version) => ({ version }))).map((value): Breakage => ({
    field: null,
    apply: (body, values) => {
      set(body, 'version', value);
      values.neardVersion = null;
    },
  })),
);

/** A document that is not an object at all. */
const notAnObject = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 6 }), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }));

/** Fields refused whatever else is wrong: once sync_info is not an object, its own fields cannot be. */
function refusedFields(fields: string[]): string[] {
  return fields.includes('sync_info') ? ['sync_info'] : fields;
}

/** The case for a document drawn well-formed, then broken by each of `breakages` in turn. */
function brokenCase(values: ExpectedStatus, body: Json, breakages: Breakage[]): StatusCase {
  const expected = { ...values };
  const broken = structuredClone(body);
  const fields: string[] = [];
  for (const b of breakages) {
    // A break inside sync_info after sync_info itself was replaced has nothing to break.
    if (b.field?.startsWith('sync_info.') && (typeof broken.sync_info !== 'object' || broken.sync_info === null || Array.isArray(broken.sync_info))) continue;
    b.apply(broken, expected);
    if (b.field !== null) fields.push(b.field);
  }
  // What the parser sees is what JSON carries: the text fetch would read, parsed again.
  const sent = JSON.parse(JSON.stringify(broken)) as unknown;
  return { body: sent, expected: fields.length > 0 ? { refused: refusedFields(fields) } : { ok: expected } };
}

/** A StatusResponse, possibly broken in up to three fields, or a document that is not an object. */
export const statusCase: fc.Arbitrary<StatusCase> = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(wellFormed, fc.array(breakage, { maxLength: 3 })).map(([{ values, body }, breakages]) => brokenCase(values, body, breakages)) },
  { weight: 1, arbitrary: notAnObject.map((value): StatusCase => ({ body: JSON.parse(JSON.stringify(value)) as unknown, expected: { refused: ['sync_info'] } })) },
);
