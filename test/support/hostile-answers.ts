/**
 * fast-check arbitraries for what a broken or hostile HTTP server sends back: error statuses
 * (429/500/503 and the rest), bodies that are not JSON, JSON of the wrong shape, bodies cut short,
 * slow answers, and garbage in the headers (an X-Consul-Index that is not a number).
 */
import fc from 'fast-check';
import type { HostileAnswer } from './hostile-http.js';

/** Any JSON value, small enough to keep a run fast. */
export const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Bodies that are not JSON at all: text, half a JSON document, bytes that are not UTF-8. */
export const notJsonBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ maxLength: 40 }),
  anyJson.map((value) => JSON.stringify(value).slice(0, -1)),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from([0xff, 0xfe, ...bytes])),
);

export const errorStatus = fc.constantFrom(400, 403, 404, 429, 500, 502, 503, 504);

/** An X-Consul-Index as a broken server may send it: a number, a negative one, a word, empty. */
export const consulIndexHeader = fc.oneof(
  fc.bigInt({ min: -5n, max: 2n ** 64n }).map(String),
  fc.constantFrom('', 'abc', '1.5', '-1', '0', ' 7', '0x10', '1e3', 'NaN'),
);

/**
 * One hostile answer: `goodBody` lets each endpoint mix in the right shape now and then, so the
 * property also covers a good body with a bad status, header or delivery.
 */
export function hostileAnswer(goodBody: fc.Arbitrary<unknown>): fc.Arbitrary<HostileAnswer> {
  const body = fc.oneof(
    notJsonBody,
    anyJson.map((value) => JSON.stringify(value)),
    goodBody.map((value) => JSON.stringify(value)),
  );
  return fc.record({
    status: fc.oneof(fc.constant(200), errorStatus),
    headers: fc.record({ 'content-type': fc.constantFrom('application/json', 'text/plain'), 'x-consul-index': consulIndexHeader }),
    body,
    truncate: fc.boolean(),
    delayMs: fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: 400 }), weight: 1 }),
  });
}
