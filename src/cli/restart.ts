/**
 * `kuutamoctl restart [MINIMUM_LENGTH] [--schedule-at HEIGHT] [--cancel] [--wait]` (kneard's command):
 * have this node's neard stop at a height inside a maintenance window and be started again by kuutamod.
 * The daemon does the work (src/control/maintenance-routes.ts); this prints what it did, and with --wait
 * follows the restart through GET /v1/maintenance until neard runs again with config.json restored and
 * the node is back in service.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { LeaderRestartAnswer } from '../control/leader-restart.js';
import type { CancelAnswer, RestartAnswer } from '../control/maintenance-routes.js';
import type { MaintenanceStatus } from '../control/maintenance-status.js';
import { OperatorError } from '../errors.js';
import { addControlSocketOptions, callDaemon, socketPathOf, type ControlSocketFlags } from './control-command.js';
import { describeHandover, waitForHandover } from './switchover.js';
import { waitForTakeoverCheck } from './takeover-wait.js';

interface RestartFlags extends ControlSocketFlags {
  scheduleAt?: string;
  cancel?: boolean;
  wait?: boolean;
  json?: boolean;
}

/** How often --wait asks the daemon. */
const WAIT_POLL_MS = 500;
/** --wait prints the head at most this often while it counts down. */
const PROGRESS_EVERY_MS = 5_000;
/** Where --wait ends: the node is back in service. */
/** Back in the election after the restart: a standby again, or the validator. */
const READY_ROLES: readonly (string | null)[] = ['standby', 'validator'];
/** A neard this far past its height without stopping did not take the plan: --wait gives up and says so. */
const OVERSHOOT_BLOCKS = 20;

function blockHeight(text: string, what: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new OperatorError(`${what} must be a whole number of blocks, got '${text}'.`);
  return value;
}

const shown = (height: number | null): string => (height === null ? 'none' : String(height));

function describeRestart(answer: RestartAnswer): string {
  const where = answer.window === null ? '' : ` [${answer.window.start}, ${answer.window.end}) (${answer.window.end - answer.window.start} blocks)`;
  return `neard (pid ${answer.neardPid}) will stop at height ${answer.height} and be started again by kuutamod: ${answer.reason}${where}; head ${answer.head}, ${answer.height - answer.head} blocks to go.`;
}

function describeCancel(answer: CancelAnswer): string {
  const config = answer.keptOperatorValue
    ? `config.json keeps the operator's expected_shutdown ${shown(answer.expectedShutdown)}`
    : `config.json expected_shutdown back to ${shown(answer.expectedShutdown)}`;
  return `cancelled the restart at height ${answer.height}: ${config}; ${answer.neard}.`;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** After a takeover (this node's or the candidate's): its check, and an error when it does not produce. */
async function requireProduction(socketPath: string, nodeId: string): Promise<void> {
  if ((await waitForTakeoverCheck(socketPath, nodeId)) !== 0) {
    throw new OperatorError(`the new validator ${nodeId} is not producing (see the line above): look at kuutamoctl list and at its neard (key loaded, peers, tracked shards).`);
  }
}

/**
 * Follow the restart until neard runs again, config.json is restored and the node is back in service
 * (synced and voting, or validating; as the validator, until its check after the takeover); progress lines
 * on stdout.
 */
async function waitForRestart(socketPath: string, answer: RestartAnswer): Promise<void> {
  say(`waiting for neard to reach height ${answer.height} (head ${answer.head})`);
  let lastProgressAt = Date.now();
  let lastHead = answer.head;
  let stoppedSaid = false;
  let startedPid: number | null = null;
  let restoredSaid = false;
  let lastState: string | null = null;
  for (;;) {
    await sleep(WAIT_POLL_MS);
    const status = await callDaemon<MaintenanceStatus>(socketPath, 'GET', '/v1/maintenance');
    const gone = status.neardPid !== answer.neardPid;
    if (!gone && status.head !== null) {
      lastHead = status.head;
      if (status.planned === null && status.neardExpectedShutdown !== answer.height) {
        throw new OperatorError(`the restart at height ${answer.height} was taken back before neard reached it (kuutamoctl restart --cancel, or this node became the validator).`);
      }
      if (status.head >= answer.height + OVERSHOOT_BLOCKS) {
        throw new OperatorError(`neard (pid ${answer.neardPid}) is at height ${status.head}, past ${answer.height}, and still runs: look at its log and at kuutamoctl maintenance-status.`);
      }
      if (Date.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
        lastProgressAt = Date.now();
        say(`head ${status.head}: ${Math.max(0, answer.height - status.head)} blocks to go`);
      }
    }
    if (gone && !stoppedSaid) {
      stoppedSaid = true;
      say(`neard (pid ${answer.neardPid}) stopped (last head seen ${lastHead})`);
    }
    if (gone && startedPid === null && status.neardPid !== null && status.neardRestarts > answer.neardRestarts) {
      startedPid = status.neardPid;
      say(`neard started again (pid ${startedPid}), node ${status.state ?? 'unknown'}`);
    }
    if (startedPid !== null && status.planned === null && !restoredSaid) {
      restoredSaid = true;
      say(`config.json restored: expected_shutdown ${shown(status.configExpectedShutdown)}`);
    }
    if (restoredSaid && status.state !== lastState) {
      lastState = status.state;
      say(`node ${status.nodeId} is ${status.state ?? 'unknown'}`);
      // Back as the validator (it took the role meanwhile): does it produce?
      if (status.role === 'validator') return requireProduction(socketPath, status.nodeId);
      if (READY_ROLES.includes(status.role)) return;
    }
  }
}

async function restart(minimumLength: string | undefined, flags: RestartFlags): Promise<void> {
  const socketPath = socketPathOf(flags);
  if (flags.cancel === true) {
    if (minimumLength !== undefined || flags.scheduleAt !== undefined || flags.wait === true) {
      throw new OperatorError('--cancel takes no MINIMUM_LENGTH, --schedule-at or --wait: give it alone.');
    }
    const answer = await callDaemon<CancelAnswer>(socketPath, 'DELETE', '/v1/restart');
    say(flags.json === true ? JSON.stringify(answer, null, 2) : describeCancel(answer));
    return;
  }
  if (minimumLength !== undefined && flags.scheduleAt !== undefined) {
    throw new OperatorError('give either MINIMUM_LENGTH (a window is picked) or --schedule-at HEIGHT, not both.');
  }
  const body = {
    ...(minimumLength === undefined ? {} : { minimumLength: blockHeight(minimumLength, 'MINIMUM_LENGTH') }),
    ...(flags.scheduleAt === undefined ? {} : { scheduleAt: blockHeight(flags.scheduleAt, '--schedule-at') }),
  };
  const answer = await callDaemon<RestartAnswer | LeaderRestartAnswer>(socketPath, 'POST', '/v1/restart', body);
  if ('handover' in answer) {
    await restartByHandover(socketPath, answer, flags);
    return;
  }
  say(flags.json === true ? JSON.stringify(answer, null, 2) : describeRestart(answer));
  if (flags.wait === true) await waitForRestart(socketPath, answer);
}

/**
 * On the validator the daemon answered with a planned switchover: handing the role over restarts this
 * node's neard as a voter. --wait follows the handover to its end.
 */
async function restartByHandover(socketPath: string, answer: LeaderRestartAnswer, flags: RestartFlags): Promise<void> {
  if (flags.json === true) say(JSON.stringify(answer, null, 2));
  else {
    say(`this node validates: its restart is a planned switchover, and handing the role over restarts its neard as a standby.`);
    say(describeHandover(answer.handover));
  }
  if (flags.wait !== true) return;
  if ((await waitForHandover(socketPath, answer.handover.id, flags.json === true ? '' : describeHandover(answer.handover))) !== 0) {
    throw new OperatorError(`the switchover ${answer.handover.id} did not complete (see the lines above): this node is still, or again, the validator. Look at kuutamoctl list, then try again.`);
  }
  say('the role moved; this node runs neard again as a standby.');
  await requireProduction(socketPath, answer.handover.to);
}

/** Register the subcommand on kuutamoctl's program. */
export function registerRestart(program: Command): void {
  addControlSocketOptions(
    program
      .command('restart')
      .description("Stop this node's neard at a height in a maintenance window (neard's expected_shutdown) and have kuutamod start it again")
      .argument('[MINIMUM_LENGTH]', 'pick the first maintenance window of at least this many blocks, else the longest (default: the first)')
      .option('--schedule-at <height>', 'stop at this block height instead of in a window')
      .option('--cancel', "cancel kuutamod's scheduled restart (config.json back as before)")
      .option('--wait', "follow the restart until neard runs again, config.json is restored and the node votes (or validates) again; when the role moved, until the new leader's check after its takeover (exit 1 if not producing)"),
  ).action(async (minimumLength: string | undefined, _options: RestartFlags, command: Command) => {
    await restart(minimumLength, command.optsWithGlobals<RestartFlags>());
  });
}
