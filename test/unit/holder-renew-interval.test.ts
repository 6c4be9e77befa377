/**
 * The lock holder's renewal pace (services/service-timings.ts): fast enough that a Consul outage of
 * consulOutageToleranceMs starting at any instant ends before the step-down deadline, never slower than
 * the configured interval (kuutamod's defaults stay as they are) and never faster than the retry pause.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TIMINGS } from '../../machines/failover-timings.js';
import { actorTimings, holderRenewIntervalMs } from '../../services/service-timings.js';

const timingsWith = (sessionRenewIntervalMs: number, stepDownAfterMs: number) => actorTimings({ ...DEFAULT_TIMINGS, sessionRenewIntervalMs, stepDownAfterMs });

test("kuutamod's defaults keep their 10 s renewal: 25 s - 5 s of outage leaves more than that", () => {
  assert.equal(holderRenewIntervalMs(actorTimings(DEFAULT_TIMINGS)), 10_000);
});

test('the chaos timings (renew 3 s, step down 6 s): the holder renews every second', () => {
  assert.equal(holderRenewIntervalMs(timingsWith(3_000, 6_000)), 1_000);
});

test('a step-down too close to the tolerance: the holder renews at the retry pause, not in a busy loop', () => {
  assert.equal(holderRenewIntervalMs(timingsWith(3_000, 5_200)), 500);
  assert.equal(holderRenewIntervalMs(timingsWith(3_000, 4_000)), 500);
});
