/**
 * How many runs each property gets, and from which seed. `npm test` runs every property a bounded
 * number of times from a fixed seed, so CI is fast and a failure reproduces; `npm run fuzz` sets
 * FUZZ_RUNS (and FUZZ_SEED, else a random seed) for a longer hunt. The seed is printed so a human
 * can replay a failure with FUZZ_SEED=<seed>.
 */
import type { Parameters } from 'fast-check';

/** The seed of `npm test`: fixed, so a red CI run is the same run on a developer's machine. */
const FIXED_SEED = 20261128;

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name}=${text}: must be a whole number (e.g. ${name}=5000)`);
  return value;
}

const longRuns = positiveInteger('FUZZ_RUNS', process.env.FUZZ_RUNS);
const seed = positiveInteger('FUZZ_SEED', process.env.FUZZ_SEED) ?? (longRuns === undefined ? FIXED_SEED : Math.floor(Math.random() * 2 ** 31));
if (longRuns !== undefined) console.log(`fuzz: FUZZ_RUNS=${longRuns} FUZZ_SEED=${seed} (set FUZZ_SEED=${seed} to replay)`);

/** fast-check parameters: `ciRuns` under npm test, FUZZ_RUNS (scaled by the property's cost) under npm run fuzz. */
export function fuzzRuns<T>(ciRuns: number, costScale = 1): Parameters<T> {
  const numRuns = longRuns === undefined ? ciRuns : Math.max(ciRuns, Math.round(longRuns * costScale));
  return { numRuns, seed, endOnFailure: longRuns === undefined ? false : true };
}
