/** POSIX shell quoting, for commands that are printed for people and eval'd by localnet/bin/proc. */

const SAFE = /^[\w@%+=:,./-]+$/;

export function quote(arg: string): string {
  return SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `NAME=value` assignments before a command (the value quoted, so the shell still sees an assignment). */
const assignments = (env: Record<string, string> = {}): string[] => Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);

export function commandLine(argv: string[], env?: Record<string, string>): string {
  return [...assignments(env), ...argv.map(quote)].join(' ');
}

/** The tutorial's layout: the command (after its variables), then one `--flag value` per continued line. */
export function commandBlock(argv: string[], env?: Record<string, string>): string {
  const lines: string[] = [];
  let current: string[] = [];
  for (const arg of argv) {
    if (/^--?[A-Za-z]/.test(arg) && current.length > 0) {
      lines.push(current.map(quote).join(' '));
      current = [];
    }
    current.push(arg);
  }
  if (current.length > 0) lines.push(current.map(quote).join(' '));
  const vars = assignments(env);
  if (vars.length > 0) lines[0] = [...vars, lines[0]].join(' ');
  return lines.join(' \\\n    ');
}
