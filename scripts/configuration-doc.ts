/**
 * docs/configuration.md, rendered from the code: kuutamod's options from the option table in
 * src/settings.ts, kuutamoctl's from its own `--help` (its global options are the table's Consul
 * options; its commands and --json live in the CLI), so the doc cannot drift without
 * test/unit/configuration-doc.test.ts failing. The help is read from kuutamoctl's commander program
 * in this process, at the width `kuutamoctl --help` prints into a pipe.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildKuutamoctl } from '../src/cli/kuutamoctl-program.js';
import { SWITCH_WORDS_TEXT } from '../src/option-parsers.js';
import { EXTRA_OPTIONS, KUUTAMOD_OPTIONS, type OptionSpec } from '../src/settings.js';
import { REPO_ROOT } from '../src/repo-root.js';

export interface DocOption {
  flags: string;
  env?: string;
  default?: string;
  description: string;
}

export const CONFIGURATION_DOC = join(REPO_ROOT, 'docs', 'configuration.md');

/** A table entry as a doc row: a default that is not a literal (credential, variable) is said in words. */
function fromTable(spec: OptionSpec): DocOption {
  const shownDefault = spec.default ?? spec.parser.fallback;
  return { flags: spec.flags, env: spec.env, description: spec.description, ...(shownDefault !== undefined ? { default: shownDefault } : {}) };
}

/** A "(default: X)" written into a help description (key files, token) becomes the default column. */
function fromHelp(spec: { flags: string; env: string; default?: string; description: string }): DocOption {
  const inline = /^(.*?)\s*\(default: ([^)]*)\)$/.exec(spec.description);
  if (spec.default === undefined && inline?.[1] && inline[2]) {
    return { flags: spec.flags, env: spec.env, default: inline[2], description: inline[1] };
  }
  return { flags: spec.flags, env: spec.env, description: spec.description, ...(spec.default !== undefined ? { default: spec.default } : {}) };
}

// ---- kuutamoctl: parse commander's help ------------------------------------------------------

/** The items of one help section ("Options:", "Commands:"), wrapped descriptions joined. */
export function helpSection(help: string, title: string): { term: string; description: string }[] {
  const lines = help.split('\n');
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const items: { term: string; description: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const item = /^ {2}(\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (item?.[1]) items.push({ term: item[1], description: item[2] ?? '' });
    else if (items.length > 0) {
      const last = items[items.length - 1]!;
      last.description = `${last.description} ${line.trim()}`.trim();
    }
  }
  return items;
}

/** Commander appends "(default: X, env: Y)"; split it off. */
export function parseHelpOption(term: string, description: string): DocOption {
  const match = /^(.*?)\s*\((?:default: ([^()]*?))?(?:, )?(?:env: ([A-Z0-9_]+))?\)$/.exec(description);
  if (match && (match[2] !== undefined || match[3] !== undefined)) {
    const value = match[2]?.replace(/^"(.*)"$/, '$1');
    const base = fromHelp({ flags: term, env: match[3] ?? '', description: match[1] ?? '', ...(value !== undefined ? { default: value } : {}) });
    return match[3] ? base : { flags: base.flags, description: base.description, ...(base.default ? { default: base.default } : {}) };
  }
  return fromHelp({ flags: term, env: '', description });
}

/** commander wraps help to the terminal's width, and to 80 columns when stdout is not a terminal. */
const HELP_WIDTH = 80;

/** `kuutamoctl [command] --help` as it prints into a pipe. */
function kuutamoctlHelp(command?: string): string {
  const { program } = buildKuutamoctl();
  const target: Command | undefined = command === undefined ? program : program.commands.find((c) => c.name() === command);
  if (target === undefined) throw new Error(`kuutamoctl has no command ${command}`);
  target.configureHelp({ ...target.configureHelp(), helpWidth: HELP_WIDTH });
  return target.helpInformation();
}

export interface CommandDoc {
  usage: string;
  description: string;
  arguments: { term: string; description: string }[];
  options: DocOption[];
}

const withoutHelp = (items: { term: string; description: string }[]) => items.filter((i) => !/--help\b/.test(i.term));

export function collectKuutamoctl(): { global: DocOption[]; commands: CommandDoc[] } {
  const top = kuutamoctlHelp();
  const global = withoutHelp(helpSection(top, 'Options')).map((i) => parseHelpOption(i.term, i.description));
  const commands = helpSection(top, 'Commands')
    .filter((c) => !c.term.startsWith('help'))
    .map((c): CommandDoc => {
      const name = c.term.split(' ')[0] ?? '';
      const help = kuutamoctlHelp(name);
      return {
        usage: /^Usage: (.*)$/m.exec(help)?.[1] ?? `kuutamoctl ${name}`,
        description: c.description,
        arguments: helpSection(help, 'Arguments'),
        options: withoutHelp(helpSection(help, 'Options')).map((i) => parseHelpOption(i.term, i.description)),
      };
    });
  return { global, commands };
}

// ---- rendering ---------------------------------------------------------------------------------

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const code = (text: string | undefined): string => (text ? `\`${cell(text)}\`` : '');

function table(options: DocOption[]): string {
  const rows = options.map((o) => {
    const takesValue = /[<[]/.test(o.flags);
    const fallback = takesValue ? '(none)' : 'off';
    return `| ${code(o.flags)} | ${code(o.env)} | ${o.default !== undefined ? code(o.default) : fallback} | ${cell(o.description)} |`;
  });
  return ['| flag | environment variable | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function renderConfigurationDoc(ctl = collectKuutamoctl()): string {
  const sections = [
    '# Configuration',
    '',
    '<!-- Generated from src/settings.ts and `kuutamoctl --help` by scripts/generate-configuration-doc.ts:',
    '     npm run docs:configuration',
    '     test/unit/configuration-doc.test.ts fails when this file and the code disagree. Do not edit by hand. -->',
    '',
    'Every option is a command-line flag and an environment variable; the flag wins over the variable,',
    'and a variable set to an empty value counts as unset.',
    'Durations take a unit: `500ms`, `10s`, `2m`, `1h` (a number without one is seconds, as in `1.5`); a fraction of a',
    'millisecond is rounded to the nearest, and the longest is `2147483647ms` (about 24.8 days, the longest a timer waits).',
    'Counts (`<blocks>`, `<n>`) are whole numbers written in digits, from 0 unless the option says otherwise.',
    'A switch (a flag without a value) is off unless given; its variable takes',
    `${SWITCH_WORDS_TEXT.split(', ').map((pair) => `\`${pair}\``).join(', ')} in any case, and anything else is an error naming the variable.`,
    '',
    '## kuutamod',
    '',
    '### Options of Rust kuutamod',
    '',
    'Same flags, variables and defaults as kuutamod, so existing systemd units and NixOS modules keep working.',
    'A key option without a value falls back to the file of that name in `$CREDENTIALS_DIRECTORY`',
    "(systemd's `LoadCredential=`); with neither, kuutamod stops with an error naming the flag.",
    '',
    table(KUUTAMOD_OPTIONS.map(fromTable)),
    '',
    '### Additions of this daemon',
    '',
    "All optional. The timings default to kuutamod's values; they must keep",
    '`--session-renew-interval` < `--step-down-after` < `--session-ttl` minus `--fence-margin` (see docs/safety.md).',
    '',
    table(EXTRA_OPTIONS.map(fromTable)),
    '',
    '## kuutamoctl',
    '',
    '`kuutamoctl [global options] <command>`',
    '',
    '### Global options',
    '',
    table(ctl.global),
  ];
  for (const command of ctl.commands) {
    sections.push('', `### \`${command.usage}\``, '', command.description);
    if (command.arguments.length > 0) {
      sections.push('', ...command.arguments.map((a) => `- \`${a.term}\`: ${a.description}`));
    }
    if (command.options.length > 0) sections.push('', table(command.options));
  }
  return `${sections.join('\n')}\n`;
}
