/**
 * The command line the guard starts neard with, so that neard can never outlive the guard.
 *
 * `setpriv --pdeathsig KILL` asks the kernel to SIGKILL neard when the guard dies, but only from the
 * moment setpriv has made that request: a guard killed between its fork and setpriv's prctl (about a
 * millisecond) would leave neard running, orphaned and unfenced, with the validator key. So setpriv
 * runs a shell that, after the request, checks that its parent is still the guard (a dead guard's
 * children are re-parented to init or a subreaper) and only then execs neard in its place; past that
 * check the death signal covers the rest. The process keeps one pid from setpriv to neard.
 */
import { existsSync } from 'node:fs';

export const SETPRIV = '/usr/bin/setpriv';
const SH = '/bin/sh';
/** The shell's exit code when the guard was gone before neard could start (sh uses 126/127 for exec failures). */
export const GUARD_GONE_EXIT = 125;
// $0 is the guard's pid, "$@" neard and its arguments. $PPID is read when the shell starts, after the prctl.
const CHECK_PARENT_THEN_EXEC = `[ "$PPID" = "$0" ] || { echo "neard guard (pid $0) is gone: not starting $1" >&2; exit ${GUARD_GONE_EXIT}; }; exec "$@"`;

export interface NeardLaunch {
  file: string;
  argv: string[];
  /** The kernel kills neard with the guard (setpriv found); else neard is only stopped by the guard's own exit handler. */
  diesWithGuard: boolean;
}

export function neardLaunch(bin: string, args: readonly string[], guardPid = process.pid, hasSetpriv = existsSync(SETPRIV) && existsSync(SH)): NeardLaunch {
  if (!hasSetpriv) return { file: bin, argv: [...args], diesWithGuard: false };
  return { file: SETPRIV, argv: ['--pdeathsig', 'KILL', '--', SH, '-c', CHECK_PARENT_THEN_EXEC, String(guardPid), bin, ...args], diesWithGuard: true };
}
