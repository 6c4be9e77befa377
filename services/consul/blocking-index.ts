/**
 * The X-Consul-Index rule of Consul blocking queries, in one pure function so it can be tested alone.
 * Consul's documentation ("Blocking Queries", Implementation Details) asks two things of a client:
 * - "Reset the index if it goes backwards": "Implementations must check to see if a returned index is
 *   lower than the previous value, and if it is, should reset index to 0 - effectively restarting
 *   their blocking loop." An index that is not a number at all (a broken proxy, a hostile server)
 *   gets the same treatment: nothing it says can be trusted to wait on.
 * - "Sanity check index is greater than zero": "It is always safe to use an index of 1 to wait for
 *   updates when the data being requested doesn't exist yet, so clients should sanity check that
 *   their index is at least 1 after each blocking response is handled", else a query with index 0
 *   returns at once and the client busy-loops.
 */

export interface NextIndex {
  /** The index to send with the next blocking query. */
  index: string;
  /** True when the answer's index could not be waited on (backwards or not a number): the loop restarts from 0. */
  reset: boolean;
}

/** Decimal digits only: what Consul sends (a uint64); anything else is not an index. */
const INDEX = /^\d{1,20}$/;

/** The index to wait on after an answer carrying `answered` (the raw X-Consul-Index, if any) to a query sent with `previous`. */
export function nextBlockingIndex(previous: string, answered: string | undefined): NextIndex {
  if (answered === undefined || !INDEX.test(answered)) return { index: '0', reset: true };
  const value = BigInt(answered);
  if (value < BigInt(previous)) return { index: '0', reset: true };
  return { index: value < 1n ? '1' : value.toString(), reset: false };
}
