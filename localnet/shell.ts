/** POSIX shell quoting, for commands that are printed for people and eval'd by localnet/bin/proc. */

const SAFE = /^[\w@%+=:,./-]+$/;

export function quote(arg: string): string {
  return SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: string[]): string {
  return argv.map(quote).join(' ');
}

/** The tutorial's layout: the command, then one `--flag value` per continued line. */
export function commandBlock(argv: string[]): string {
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
  return lines.join(' \\\n    ');
}
