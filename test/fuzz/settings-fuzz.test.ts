/**
 * Fuzzed flags, KUUTAMO_* variables and durations: whatever an operator (or a broken unit file) puts
 * there, settings resolution either yields timings every timer can honour, or throws an OperatorError
 * that names the flag: never a raw TypeError, never a silently absurd value. An on/off variable reads
 * as an independent oracle says, or is refused naming the variable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_DURATION_MS, parseDuration } from '../../src/duration.js';
import { OperatorError } from '../../src/errors.js';
import { ALL_OPTIONS, longFlag, type Settings } from '../../src/settings.js';
import { fuzzRuns } from '../support/fuzz-runs.js';
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

function resolve(given: [(typeof ALL_OPTIONS)[number], string, boolean][]): Settings {
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

describe('settings and durations, fuzzed', () => {
  test('parseDuration: a whole number of milliseconds a timer honours, or an error quoting the text', () => {
    fc.assert(
      fc.property(durationText, (text) => {
        let ms: number;
        try {
          ms = parseDuration(text);
        } catch (error) {
          assert.ok(!(error instanceof TypeError), `raw TypeError for '${text}'`);
          assert.ok((error as Error).message.includes(`'${text}'`), (error as Error).message);
          return;
        }
        assert.ok(Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_DURATION_MS, `'${text}' parsed to ${ms}`);
      }),
      fuzzRuns(2000),
    );
  });

  test('flags and variables: settings with timer-safe timings, or an OperatorError naming the option', () => {
    fc.assert(
      fc.property(givenOptions, (given) => {
        let settings: Settings;
        try {
          settings = resolve(given);
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith('commander.')) return; // commander's own message, printed by commander
          assert.ok(error instanceof OperatorError, `an OperatorError, not ${String(error)}`);
          assert.ok(/--[a-z-]+/.test(error.message), `names a flag: ${error.message}`);
          assert.ok(given.some(([spec]) => error.message.includes(longFlag(spec))) || /--session-/.test(error.message), `names the option given: ${error.message}`);
          return;
        }
        assertTimerSafe(settings);
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
