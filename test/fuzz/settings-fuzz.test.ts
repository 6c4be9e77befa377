/**
 * Fuzzed flags, KUUTAMO_* variables and durations, checked against what docs/configuration.md promises
 * (test/support/settings-oracle.ts, written apart from the code): every numeric option is accepted
 * exactly when its text reads as the doc says and lies in its documented range (and the session
 * timings keep their rule), resolves to exactly the value the doc's reading gives, and is otherwise
 * refused with an OperatorError naming the flag. Any other text in any option yields timer-safe
 * settings or an error naming the option. An on/off variable reads as an independent oracle says, or
 * is refused naming the variable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_DURATION_MS, parseDuration } from '../../src/duration.js';
import { OperatorError } from '../../src/errors.js';
import { readFileSync } from 'node:fs';
import { CONFIGURATION_DOC } from '../../scripts/configuration-doc.js';
import { count as countParser, duration as durationParser } from '../../src/option-parsers.js';
import { ALL_OPTIONS, longFlag, type OptionSpec, type Settings } from '../../src/settings.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
import { expectedSettings, LONGEST_MS, NUMERIC_OPTIONS, readDuration, type NumericOption } from '../support/settings-oracle.js';
import { assertOperatorError, createSettingsFixture, resolveKuutamod, switchOptions, type SettingsFixture } from '../support/settings-fixture.js';

let fixture: SettingsFixture;

before(() => {
  fixture = createSettingsFixture('settings-fuzz-');
});

after(() => fixture.cleanup());

const UNITS = ['', 'ms', 's', 'm', 'h', 'd', 'S', ' s'];

/** Text an operator might write as a duration: numbers of any size and unit, and typos. */
const durationText = fc.oneof(
  fc.tuple(fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 400n }), fc.double({ noNaN: true })), fc.constantFrom(...UNITS)).map(([n, unit]) => `${n}${unit}`),
  fc.string({ maxLength: 12 }),
);

/** Any value for any option: plausible durations and addresses, or garbage. */
const optionValue = fc.oneof(durationText, fc.string({ maxLength: 20 }), fc.constantFrom('127.0.0.1:0', '[::1]:99999', 'http://x', ':', '', 'logfmt'));

/** Which options get a value, and whether it is typed as a flag or set as a variable. */
const givenOptions = fc.uniqueArray(fc.tuple(fc.constantFrom(...ALL_OPTIONS), optionValue, fc.boolean()), {
  maxLength: 4,
  selector: ([spec]) => spec.env,
});

function resolve(given: ReadonlyArray<readonly [OptionSpec, string, boolean]>): Settings {
  const args: string[] = [];
  const environment: NodeJS.ProcessEnv = { ...fixture.keyEnvironment };
  for (const [spec, value, asFlag] of given) {
    if (asFlag) args.push(`${longFlag(spec)}=${value}`);
    else environment[spec.env] = value;
  }
  return resolveKuutamod(args, environment);
}

/**
 * The oracle for an on/off variable, written apart from src/option-parsers.ts (regular expressions, not
 * word lists): the usual words for on and off in any case with blanks around them, a blank value is
 * unset, and anything else is refused.
 */
function switchOracle(text: string): boolean | 'unset' | 'refused' {
  if (/^\s*$/.test(text)) return 'unset';
  if (/^\s*(?:true|1|yes|on)\s*$/i.test(text)) return true;
  if (/^\s*(?:false|0|no|off)\s*$/i.test(text)) return false;
  return 'refused';
}

/** What an operator (or a config tool) might put in an on/off variable: the words in any case and padding, near misses, and any text. */
const switchText = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', ' ', '\t', '\n', '\u00a0', '  '),
      fc.mixedCase(fc.constantFrom('true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'y', 'n', 't', 'f', '2', '-1', '01', 'enabled', 'none', 'truee', 'o n')),
      fc.constantFrom('', ' ', '\r\n', '\ufeff', '.'),
    )
    .map(([before, word, after]) => `${before}${word}${after}`),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

/** Every timing is a whole number of milliseconds that setTimeout honours as written. */
function assertTimerSafe(settings: Settings): void {
  for (const [name, ms] of Object.entries(settings.timings)) {
    assert.ok(Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_DURATION_MS, `${name} = ${ms} is not a delay setTimeout honours`);
  }
}

/** The table's spec of a numeric option of the oracle. */
const specOf = (option: NumericOption): OptionSpec => {
  const spec = ALL_OPTIONS.find((s) => s.env === option.env);
  assert.ok(spec && longFlag(spec) === option.flag, `no option ${option.flag} (${option.env}) in src/settings.ts`);
  return spec;
};

const DURATION_UNITS: [string, number][] = [['ms', 1], ['s', 1_000], ['', 1_000], ['m', 60_000], ['h', 3_600_000]];

/** The numbers at and just beyond an option's documented ends, and the longest duration. */
function endsOf(option: NumericOption): number[] {
  return [option.min, option.max, option.min - 1, option.max + 1, 0, LONGEST_MS, LONGEST_MS + 1].filter((n) => n >= 0 && Number.isSafeInteger(n));
}

/** Numbers an option may be given: inside its range, anywhere, far too large. */
function targetNumber(option: NumericOption): fc.Arbitrary<number> {
  return fc.oneof(fc.integer({ min: option.min, max: Math.min(option.max, option.min + 36_000_000) }), fc.integer({ min: 0, max: 2 * LONGEST_MS }));
}

/** Text for a numeric option: its numbers in every unit and precision, halves of a millisecond, padding, and near misses. */
function optionText(option: NumericOption): fc.Arbitrary<string> {
  if (option.kind === 'count') {
    return fc.oneof(
      targetNumber(option).map(String),
      fc.constantFrom(...endsOf(option)).map(String),
      fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
      fc.constantFrom('', ' 5', '5 ', '5.0', '-1', '+5', '1e3', '0x10', '007', '٣', '9007199254740992'),
    );
  }
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...endsOf(option)).map((ms) => `${ms}ms`) },
    { weight: 4, arbitrary: fc.tuple(targetNumber(option), fc.constantFrom(...DURATION_UNITS), fc.nat({ max: 4 })).map(([ms, [unit, unitMs], digits]) => `${(ms / unitMs).toFixed(digits)}${unit}`) },
    // A fraction that ends in 5 lands on half a millisecond in some unit: the rounding must be exact.
    { weight: 2, arbitrary: fc.tuple(fc.nat({ max: 90_000 }), fc.stringMatching(/^\d{0,4}5$/), fc.constantFrom('ms', 's', '', 'm')).map(([whole, fraction, unit]) => `${whole}.${fraction}${unit}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('', ' ', '\t', '\u00a0'), fc.nat({ max: 100 }), fc.constantFrom('', ' ', '  '), fc.constantFrom('s', 'ms', 'm', 'h', 'S', 'MS', 'd', 'sec', 'μs'), fc.constantFrom('', ' ', '\n')).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: fc.constantFrom('', '-5s', '1.s', '.5s', '1..5s', '1 000ms', '1e3ms', 'Infinity', 'NaN', '0x10s', '1h30m', `1${'0'.repeat(400)}`) },
  );
}

/** One to three numeric options given, each as a flag or as its variable, with text for it. */
const numericGiven = fc.uniqueArray(
  fc.constantFrom(...NUMERIC_OPTIONS).chain((option) => fc.tuple(fc.constant(option), optionText(option), fc.boolean())),
  { minLength: 1, maxLength: 3, selector: ([option]) => option.env },
);

const optionNamed = (flag: string): NumericOption => NUMERIC_OPTIONS.find((o) => o.flag === flag)!;

/** Session timings drawn at and around the edges of their rule, so both sides of each edge are met. */
const sessionGiven = fc
  .record({
    ttl: fc.oneof(fc.constantFrom(9_999, 10_000, 86_400_000, 86_400_001), fc.integer({ min: 10_000, max: 200_000 })),
    margin: fc.integer({ min: 0, max: 3_000 }),
    stepDownFromEdge: fc.oneof(fc.constantFrom(-1, 0), fc.integer({ min: -150_000, max: 1_000 })),
    renewFromStepDown: fc.oneof(fc.constantFrom(-1, 0), fc.integer({ min: -100_000, max: 1_000 })),
  })
  .map(({ ttl, margin, stepDownFromEdge, renewFromStepDown }) => {
    const stepDown = Math.max(0, ttl - margin + stepDownFromEdge);
    const renew = Math.max(0, stepDown + renewFromStepDown);
    return [
      [optionNamed('--session-ttl'), `${ttl}ms`, true],
      [optionNamed('--session-renew-interval'), `${renew}ms`, false],
      [optionNamed('--step-down-after'), `${stepDown}ms`, true],
      [optionNamed('--fence-margin'), `${margin}ms`, false],
    ] as [NumericOption, string, boolean][];
  });

/** Session timings that keep the rule for any other value of the option under test (companions of the ends test). */
const ROOMY_SESSION: Record<string, string> = { '--session-ttl': '24h', '--session-renew-interval': '0ms', '--step-down-after': '1ms', '--fence-margin': '0ms' };

/** Resolve `given` and check the outcome against the oracle. */
function checkNumeric(given: ReadonlyArray<readonly [NumericOption, string, boolean]>): 'accepted' | 'refused' {
  const expected = expectedSettings(given);
  let outcome: Settings | Error;
  try {
    outcome = resolve(given.map(([option, text, asFlag]) => [specOf(option), text, asFlag] as const));
  } catch (error) {
    outcome = error as Error;
  }
  const what = given.map(([option, text, asFlag]) => `${asFlag ? option.flag : option.env}=${JSON.stringify(text)}`).join(' ');
  if ('values' in expected) {
    assert.ok(!(outcome instanceof Error), `${what}: refused (${outcome instanceof Error ? outcome.message : ''}), but the doc accepts it`);
    for (const [option, value] of expected.values) assert.equal(option.read(outcome), value, `${what}: ${option.flag}`);
    return 'accepted';
  }
  assert.ok(outcome instanceof OperatorError, `${what}: must be refused naming ${expected.refused.join(' or ')}, got ${outcome instanceof Error ? String(outcome) : 'accepted'}`);
  assert.ok(expected.refused.some((flag) => outcome.message.includes(flag)), `${what}: names ${expected.refused.join(' or ')}: ${outcome.message}`);
  // A value from a variable is named by the variable too, when it is the value that is wrong.
  for (const [option, text, asFlag] of given) {
    if (!asFlag && outcome.message.startsWith(`${option.flag},`)) assert.ok(outcome.message.startsWith(`${option.flag}, set by ${option.env}: '${text}'`), outcome.message);
  }
  return 'refused';
}

describe('settings and durations, fuzzed', () => {
  test('parseDuration: exactly the milliseconds the doc\'s reading gives, or an error quoting the text', () => {
    fc.assert(
      fc.property(fc.oneof(durationText, ...NUMERIC_OPTIONS.filter((o) => o.kind === 'duration').slice(0, 1).map(optionText)), (text) => {
        const expected = readDuration(text);
        let outcome: number | Error;
        try {
          outcome = parseDuration(text);
        } catch (error) {
          outcome = error as Error;
        }
        if ('value' in expected) {
          assert.equal(outcome, expected.value, `'${text}'`);
        } else {
          assert.ok(outcome instanceof Error && !(outcome instanceof TypeError), `'${text}' must be refused (${expected.refused}), not read as ${String(outcome)}`);
          assert.ok(outcome.message.includes(`'${text}'`), `quotes the text: ${outcome.message}`);
          assert.match(outcome.message, expected.refused === 'range' ? /is longer than 2147483647ms/ : /is not a duration/);
        }
      }),
      fuzzRuns(2000),
    );
  });

  test('every numeric option: accepted iff the doc\'s reading is in range and the timing rule holds, with exactly that value; else refused naming the flag', () => {
    const tally = { accepted: 0, refused: 0 };
    const parameters = fuzzRuns<[[NumericOption, string, boolean][]]>(400, 0.2);
    fc.assert(
      fc.property(fc.oneof(numericGiven, sessionGiven), (given) => {
        tally[checkNumeric(given)]++;
      }),
      parameters,
    );
    // Both sides of "iff" must be exercised, or the property says little.
    for (const side of ['accepted', 'refused'] as const) assert.ok(tally[side] >= parameters.numRuns! * 0.2, `only ${tally[side]} of ${parameters.numRuns} cases ${side}`);
  });

  test('every numeric option at and just beyond each end of its range, as a flag and as its variable', () => {
    for (const option of NUMERIC_OPTIONS) {
      const companions = Object.entries(ROOMY_SESSION).filter(([flag]) => flag !== option.flag).map(([flag, text]) => [optionNamed(flag), text, true] as const);
      for (const ms of endsOf(option)) {
        for (const asFlag of [true, false]) checkNumeric([[option, option.kind === 'duration' ? `${ms}ms` : String(ms), asFlag], ...companions]);
      }
    }
  });

  test('the oracle\'s defaults and ranges are the ones docs/configuration.md states, and it covers every numeric option', () => {
    const doc = readFileSync(CONFIGURATION_DOC, 'utf8').split('\n');
    for (const option of NUMERIC_OPTIONS) {
      const row = doc.find((line) => line.startsWith(`| \`${option.flag} <`));
      assert.ok(row, `docs/configuration.md has no row for ${option.flag}`);
      assert.ok(row.includes(`| \`${option.env}\` | \`${option.docDefault}\` |`), `${option.flag}: the doc's default is not ${option.docDefault}: ${row}`);
      if (option.docRange !== undefined) assert.ok(row.includes(option.docRange), `${option.flag}: the doc does not state ${option.docRange}: ${row}`);
      const reading = option.kind === 'duration' ? readDuration(option.docDefault) : { value: Number(option.docDefault) };
      assert.deepEqual(reading, { value: option.defaultValue }, `${option.flag}: the doc's default ${option.docDefault} is not ${option.defaultValue}`);
    }
    const numeric = ALL_OPTIONS.filter((spec) => spec.parser === durationParser || spec.parser === countParser).map((spec) => spec.env).sort();
    assert.deepEqual(NUMERIC_OPTIONS.map((o) => o.env).sort(), numeric, 'test/support/settings-oracle.ts must list every duration and count option');
  });

  test('any option, any text: settings with timer-safe timings, or an OperatorError naming the option given', () => {
    fc.assert(
      fc.property(givenOptions, (given) => {
        let outcome: Settings | Error;
        try {
          outcome = resolve(given);
        } catch (error) {
          outcome = error as Error;
        }
        if (!(outcome instanceof Error)) {
          assertTimerSafe(outcome);
        } else if ((outcome as { code?: string }).code?.startsWith('commander.')) {
          // commander's own refusal (printed by commander): only a value given to a switch that takes none.
          assert.ok(given.some(([spec, , asFlag]) => asFlag && !/[<[]/.test(spec.flags) && outcome.message.includes(longFlag(spec))), `commander refused ${outcome.message}`);
        } else {
          assert.ok(outcome instanceof OperatorError, `an OperatorError, not ${String(outcome)}`);
          assert.ok(given.some(([spec]) => outcome.message.includes(longFlag(spec))) || /--session-|--step-down-after/.test(outcome.message), `names the option given: ${outcome.message}`);
        }
      }),
      fuzzRuns(300, 0.2),
    );
  });

  test('an on/off variable: on, off or unset exactly as an independent reading says, or an OperatorError naming it', () => {
    const switches = switchOptions();
    fc.assert(
      fc.property(fc.constantFrom(...switches), switchText, ({ spec, field }, text) => {
        const expected = switchOracle(text);
        let settings: Settings;
        try {
          settings = resolve([[spec, text, false]]);
        } catch (error) {
          assert.ok(error instanceof OperatorError, `an OperatorError, not ${String(error)}`);
          assert.ok(error.message.includes(spec.env), `names ${spec.env}: ${error.message}`);
          assert.equal(expected, 'refused', `${spec.env}=${JSON.stringify(text)} was refused, but reads as ${String(expected)}: ${error.message}`);
          return;
        }
        assert.equal(settings[field], expected === 'unset' ? false : expected, `${spec.env}=${JSON.stringify(text)}`);
      }),
      fuzzRuns(2000, 0.5),
    );
  });

  // Shrunk counterexamples of the properties above, kept as plain tests.
  test('a duration beyond what setTimeout can wait is refused, not turned into a 1 ms timer', () => {
    assert.throws(() => parseDuration('2147484'), /'2147484' is longer than 2147483647ms \(about 24 days\)/);
    assert.equal(parseDuration('2147483647ms'), MAX_DURATION_MS);
    assertOperatorError(
      () => resolve([[ALL_OPTIONS.find((spec) => spec.env === 'KUUTAMO_NEARD_STOP_TIMEOUT')!, '2147484', false]]),
      /^--neard-stop-timeout, set by KUUTAMO_NEARD_STOP_TIMEOUT: '2147484' is longer than/,
    );
  });

  test('a --neard-home too long for the filesystem is named, not thrown as ENAMETOOLONG', () => {
    const home = `1${'0'.repeat(255)}m`;
    assertOperatorError(
      () => resolve([[ALL_OPTIONS.find((spec) => spec.env === 'KUUTAMO_NEARD_HOME')!, home, false]]),
      /^--neard-home .*: cannot look up .*config\.json \(ENAMETOOLONG\)\. Check --neard-home\.$/,
    );
  });

  test('a number too big to be finite is refused', () => {
    assert.throws(() => parseDuration(`1${'0'.repeat(400)}`), /is longer than/);
  });
});
