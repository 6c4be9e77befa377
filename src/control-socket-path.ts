/**
 * Where the control socket is, for kuutamod and kuutamoctl alike: --control-socket (KUUTAMO_CONTROL_SOCKET),
 * else kuutamod.sock in the neard home (--neard-home, KUUTAMO_NEARD_HOME, else "."). An operator running
 * kuutamoctl with the daemon's environment needs no extra flag.
 */
import { join, resolve } from 'node:path';

export const CONTROL_SOCKET_NAME = 'kuutamod.sock';

export interface ControlSocketFlags {
  controlSocket?: string;
  neardHome?: string;
}

export function controlSocketPath(flags: ControlSocketFlags, environment: NodeJS.ProcessEnv = process.env): string {
  const explicit = flags.controlSocket ?? (environment['KUUTAMO_CONTROL_SOCKET'] || undefined);
  if (explicit !== undefined) return resolve(explicit);
  const home = flags.neardHome ?? (environment['KUUTAMO_NEARD_HOME'] || undefined) ?? '.';
  return join(resolve(home), CONTROL_SOCKET_NAME);
}
