/**
 * `kuutamoctl maintenance-status [--json]` (kneard's command): is a stop of this node's neard scheduled, at
 * which height, as config.json has it and as neard itself holds it (its /metrics), and how far away it is.
 */
import type { Command } from 'commander';
import type { MaintenanceStatus } from '../control/maintenance-status.js';
import { addControlSocketOptions, callDaemon, socketPathOf, type ControlSocketFlags } from './control-command.js';

interface StatusFlags extends ControlSocketFlags {
  json?: boolean;
}

/** The answer in lines an operator reads. */
export function describeMaintenanceStatus(status: MaintenanceStatus): string[] {
  const lines = [`node ${status.nodeId} (${status.state ?? 'unknown'}), neard ${status.neardPid === null ? 'not running' : `pid ${status.neardPid}`}`];
  const height = status.neardExpectedShutdown ?? status.configExpectedShutdown;
  if (height === null) {
    lines.push(`nothing scheduled${status.head === null ? '' : ` (head ${status.head})`}`);
  } else {
    const by = status.planned?.height === height ? 'kuutamoctl restart' : "the operator's own expected_shutdown";
    const agreement =
      status.neardExpectedShutdown === status.configExpectedShutdown
        ? 'config.json and neard agree'
        : `config.json says ${status.configExpectedShutdown ?? 'none'}, neard holds ${status.neardExpectedShutdown ?? 'none'}`;
    lines.push(`scheduled: neard stops at height ${height} (${agreement}; set by ${by})`);
    if (status.head !== null && status.blocksLeft !== null) {
      const time =
        status.secondsLeft === null || status.blockTimeMs === null
          ? 'time unknown (the head did not move while measured)'
          : `about ${status.secondsLeft} s at ${(status.blockTimeMs / 1000).toFixed(2)} s per block`;
      lines.push(`head ${status.head}: ${status.blocksLeft} blocks left, ${time}`);
    }
    if (status.planned !== null) lines.push(`afterwards config.json gets expected_shutdown ${status.planned.previous ?? 'none'} again`);
  }
  if (status.neardError !== null) lines.push(`neard: ${status.neardError}`);
  return lines;
}

/** Register the subcommand on kuutamoctl's program. */
export function registerMaintenanceStatus(program: Command): void {
  addControlSocketOptions(
    program.command('maintenance-status').description("Show the planned stop of this node's neard (kuutamoctl restart, or expected_shutdown), the head and the time left"),
  ).action(async (_options: StatusFlags, command: Command) => {
    const flags = command.optsWithGlobals<StatusFlags>();
    const status = await callDaemon<MaintenanceStatus>(socketPathOf(flags), 'GET', '/v1/maintenance?estimate=true');
    process.stdout.write(flags.json === true ? `${JSON.stringify(status, null, 2)}\n` : `${describeMaintenanceStatus(status).join('\n')}\n`);
  });
}
