/**
 * How the text of one option becomes a checked value: string, URL, duration, address, key file,
 * Consul token and PEM files, enum, switch (on/off words from a variable). The option table in src/settings.ts names a parser per
 * option; every parser names the flag (and the variable, when the value came from one) in its errors,
 * so an operator knows which line of a unit file or command to fix.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage } from '../services/error-message.js';
import { CONSUL_TOKEN_CREDENTIAL, readConsulToken, type ConsulTokenSource } from './consul-token.js';
import { parseDuration } from './duration.js';
import { OperatorError } from './errors.js';
import { readNearKeyFile } from './key-file.js';
import { splitHostPort } from './neard-config.js';

/** What resolution found for one option. */
export interface OptionInput {
  /** The flag's or variable's text, the table's default, `true` for a bare switch; undefined: none of these. */
  value: string | true | undefined;
  /** For messages: the flag, plus the variable when the value came from it (`--session-ttl, set by KUUTAMO_SESSION_TTL`). */
  where: string;
  flag: string;
  env: string;
  /** For fallbacks outside the table: CREDENTIALS_DIRECTORY, CONSUL_HTTP_TOKEN, CONSUL_CACERT. */
  environment: NodeJS.ProcessEnv;
}

export interface OptionParser<T> {
  parse(input: OptionInput): T;
  /** What applies when nothing is given and there is no literal default, in words for --help and the docs. */
  fallback?: string;
}

/** A value the table guarantees by a default; its absence is a mistake in the table, not the operator's. */
function required(input: OptionInput): string {
  if (typeof input.value !== 'string') throw new Error(`option table: ${input.flag} needs a default`);
  return input.value;
}

/** Run a check that throws a plain Error, and turn its message into one that names the option. */
function named<T>(input: OptionInput, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof OperatorError) throw error;
    throw new OperatorError(`${input.where}: ${errorMessage(error)}.`);
  }
}

export const text: OptionParser<string> = { parse: required };

export const optionalText: OptionParser<string | undefined> = {
  parse: (input) => (typeof input.value === 'string' ? input.value : undefined),
};

export const directory: OptionParser<string> = { parse: (input) => resolve(required(input)) };

export const url: OptionParser<string> = {
  parse(input) {
    const value = required(input);
    if (!URL.canParse(value)) throw new OperatorError(`${input.where}: '${value}' is not a URL (example: http://localhost:8500).`);
    return value;
  },
};

/** Milliseconds. */
export const duration: OptionParser<number> = { parse: (input) => named(input, () => parseDuration(required(input))) };

/** A whole number of zero or more (blocks, a priority). */
export const count: OptionParser<number> = {
  parse(input) {
    const value = required(input);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new OperatorError(`${input.where}: '${value}' is not a whole number (example: 50).`);
    return Number(value);
  },
};

/** `host:port`, kept as written (neard's config takes it as text). */
export const address: OptionParser<string> = {
  parse(input) {
    const value = required(input);
    named(input, () => splitHostPort(value));
    return value;
  },
};

export const hostPort: OptionParser<{ host: string; port: number }> = { parse: (input) => named(input, () => splitHostPort(required(input))) };

/** What a switch's variable may say, in any case and with blanks around it; an empty value counts as unset (off). */
export const SWITCH_WORDS = { on: ['true', '1', 'yes', 'on'], off: ['false', '0', 'no', 'off'] } as const;

/** The accepted words as the docs and errors say them: `true/false, 1/0, yes/no, on/off`. */
export const SWITCH_WORDS_TEXT = SWITCH_WORDS.on.map((word, i) => `${word}/${SWITCH_WORDS.off[i]}`).join(', ');

/**
 * A switch: on when the flag is given, else as its variable says (SWITCH_WORDS), else off. Anything else
 * in the variable is refused: `KUUTAMO_VALIDATOR_KEY_HOT_SWAP=false` must not turn hot swap on.
 */
export const switchOn: OptionParser<boolean> = {
  parse(input) {
    const { value } = input;
    if (typeof value !== 'string') return value === true;
    const word = value.trim().toLowerCase();
    if (word === '') return false;
    if ((SWITCH_WORDS.on as readonly string[]).includes(word)) return true;
    if ((SWITCH_WORDS.off as readonly string[]).includes(word)) return false;
    throw new OperatorError(`${input.where}: '${value}' is not on or off: give ${SWITCH_WORDS_TEXT} (any case), or leave it empty for off.`);
  },
};

export function oneOf<const Choices extends readonly string[]>(choices: Choices): OptionParser<Choices[number]> {
  return {
    parse(input) {
      const value = required(input);
      const choice = choices.find((c) => c === value);
      if (choice === undefined) throw new OperatorError(`${input.where}: '${value}' must be ${choices.join(' or ')}.`);
      return choice;
    },
  };
}

/** A NEAR key file, else systemd's `$CREDENTIALS_DIRECTORY/<credential>` (LoadCredential=), checked before neard sees it. */
export function keyFile(credential: string): OptionParser<string> {
  return {
    fallback: `$CREDENTIALS_DIRECTORY/${credential}`,
    parse(input) {
      const credentials = input.environment.CREDENTIALS_DIRECTORY;
      let path: string;
      if (typeof input.value === 'string') path = resolve(input.value);
      else if (credentials) path = resolve(join(credentials, credential));
      else throw new OperatorError(`${input.flag} (or ${input.env}) is required: no key file given and CREDENTIALS_DIRECTORY is not set.`);
      readNearKeyFile(path, typeof input.value === 'string' ? input.where : input.flag);
      return path;
    },
  };
}

/** The ACL token (and its file) from the given file, else $CONSUL_HTTP_TOKEN, else the systemd credential. */
export const consulTokenFile: OptionParser<ConsulTokenSource> = {
  fallback: `$CONSUL_HTTP_TOKEN, else $CREDENTIALS_DIRECTORY/${CONSUL_TOKEN_CREDENTIAL} if it exists`,
  parse: (input) => readConsulToken(typeof input.value === 'string' ? input.value : undefined, input.where, input.environment),
};

/**
 * A readable PEM file for talking to Consul over https, else the variable Consul's own CLI reads
 * (CONSUL_CACERT, CONSUL_CLIENT_CERT, CONSUL_CLIENT_KEY). Its contents are checked in consul-tls-files.ts.
 */
export function consulPemFile(consulVariable: string): OptionParser<string | undefined> {
  return {
    fallback: `$${consulVariable}`,
    parse(input) {
      const given = typeof input.value === 'string' ? input.value : undefined;
      const file = given ?? (input.environment[consulVariable] || undefined);
      if (file === undefined) return undefined;
      try {
        readFileSync(file);
      } catch (error) {
        const where = given !== undefined ? input.where : `${input.flag} (from ${consulVariable})`;
        throw new OperatorError(`${where}: cannot read ${file} (${(error as NodeJS.ErrnoException).code}).`);
      }
      return resolve(file);
    },
  };
}

/** `--inspect` alone means the default relay; with a value it must be a relay's ws:// or wss:// URL. */
export const inspectorRelay: OptionParser<string | true | undefined> = {
  parse(input) {
    const { value } = input;
    if (typeof value === 'string' && !/^wss?:\/\//.test(value)) {
      throw new OperatorError(`${input.where}: '${value}' is not a ws:// or wss:// URL of an inspector relay (see docs/inspector.md).`);
    }
    return value;
  },
};
