/**
 * `kuutamoctl switchover [--to NODE] [--now | --in-window [--minimum-length N]] [--cancel] [--wait]`:
 * hands the validator role from the leader to a ready standby without a failover. Talks to the LOCAL
 * daemon over its control socket (found as kuutamod finds it: --control-socket, --neard-home or their
 * KUUTAMO_* variables); that daemon checks the request and writes it to Consul, the pool carries it out.
 * With --wait, once done it follows the new leader's check after its takeover (takeover-wait.ts).
 * Exit codes: 0 scheduled (or, with --wait, done, and the new leader's check did not say not producing);
 * 1 refused, failed, cancelled, or the new leader does not produce.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { HandoverRecord } from '../../services/pool/handover-record.js';
import type { SwitchoverAnswer, SwitchoverRequest } from '../control/switchover-routes.js';
import { OperatorError } from '../errors.js';
import { controlRequest, controlSocketPath } from './control-client.js';
import { waitForTakeoverCheck } from './takeover-wait.js';

export interface SwitchoverOptions {
  to?: string;
  now?: boolean;
  inWindow?: boolean;
  minimumLength: string;
  cancel?: boolean;
  wait?: boolean;
  controlSocket?: string;
  neardHome?: string;
}

/** Default window length: room for a neard restart on the candidate at localnet speed; raise it for mainnet. */
export const DEFAULT_MINIMUM_LENGTH = 10;
/** Pause between two looks at the record with --wait. */
const WAIT_POLL_MS = 500;

const heights = (r: HandoverRecord) => (r.window === null ? 'now' : `in the maintenance window [${r.window.start}, ${r.window.end}) (${r.window.end - r.window.start} blocks), from height ${r.window.start}`);

/** One line an operator reads: what was scheduled, or where it stands. */
export function describeHandover(r: HandoverRecord): string {
  const deadline = r.deadlineAt === null ? '' : `, deadline ${new Date(r.deadlineAt).toISOString()}`;
  const message = r.message === null ? '' : `: ${r.message}`;
  return `switchover ${r.id}: ${r.from} -> ${r.to} ${heights(r)}, phase ${r.phase}${deadline}${message}`;
}

const TERMINAL = new Set(['done', 'failed', 'cancelled']);

function requestOf(options: SwitchoverOptions): SwitchoverRequest {
  if (options.now === true && options.inWindow === true) throw new OperatorError('switchover: give --now or --in-window, not both.');
  const minimumLength = Number(options.minimumLength);
  if (!Number.isSafeInteger(minimumLength) || minimumLength < 1) {
    throw new OperatorError(`switchover --minimum-length ${options.minimumLength}: give a whole number of blocks, at least 1.`);
  }
  return {
    ...(options.to === undefined ? {} : { to: options.to }),
    mode: options.now === true ? 'now' : 'window',
    minimumLength,
    requestedBy: `kuutamoctl (pid ${process.pid}, user ${process.env['USER'] ?? 'unknown'})`,
  };
}

/** Poll until the record `id` ends, printing each new phase; 0 when it is done. */
export async function waitForHandover(socket: string, id: string, printed = ''): Promise<number> {
  let last = printed;
  for (;;) {
    const { status, body } = await controlRequest<SwitchoverAnswer>(socket, 'GET', '/v1/switchover');
    if (status !== 200) throw new OperatorError(`switchover --wait: ${body.error ?? `HTTP ${status}`}`);
    const record = body.record;
    if (record === null || record.id !== id) {
      process.stderr.write(`switchover ${id}: the record is gone or was replaced\n`);
      return 1;
    }
    const line = describeHandover(record);
    if (line !== last) process.stdout.write(`${line}\n`);
    last = line;
    if (TERMINAL.has(record.phase)) return record.phase === 'done' ? 0 : 1;
    await sleep(WAIT_POLL_MS);
  }
}

async function switchover(options: SwitchoverOptions): Promise<number> {
  const socket = controlSocketPath({ controlSocket: options.controlSocket, neardHome: options.neardHome });
  if (options.cancel === true) {
    const { status, body } = await controlRequest<SwitchoverAnswer>(socket, 'POST', '/v1/switchover/cancel');
    if (status !== 200 || body.record === null) {
      process.stderr.write(`kuutamoctl: switchover --cancel refused: ${body.error ?? `HTTP ${status}`}\n`);
      return 1;
    }
    process.stdout.write(`${describeHandover(body.record)}\n`);
    return 0;
  }
  const { status, body } = await controlRequest<SwitchoverAnswer>(socket, 'POST', '/v1/switchover', requestOf(options));
  if (status !== 202 || body.record === null) {
    process.stderr.write(`kuutamoctl: switchover refused: ${body.error ?? `HTTP ${status}`}\n`);
    return 1;
  }
  const line = describeHandover(body.record);
  process.stdout.write(`${line}\n`);
  if (options.wait !== true) return 0;
  const ended = await waitForHandover(socket, body.record.id, line);
  return ended === 0 ? waitForTakeoverCheck(socket, body.record.to) : ended;
}

export function registerSwitchover(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('switchover')
    .description('Hand the validator role from the leader to a ready standby (planned, no failover)')
    .option('--to <node>', 'node id of the standby to take the role (default: the best ready standby)')
    .option('--now', 'hand over at once instead of in a maintenance window')
    .option('--in-window', 'hand over at the start of a maintenance window of the pool account (the default)')
    .option('--minimum-length <blocks>', 'shortest maintenance window to use, in blocks', String(DEFAULT_MINIMUM_LENGTH))
    .option('--cancel', 'cancel a switchover that has not started yet')
    .option('--wait', "wait until the switchover ended, then for the new leader's check after its takeover (up to --production-grace + 2 x --production-check-interval + 15 s); exit 0 only when the candidate validates and its check does not say not producing")
    .option('--control-socket <path>', "kuutamod's control socket (env KUUTAMO_CONTROL_SOCKET; default <neard-home>/kuutamod.sock)")
    .option('--neard-home <dir>', "kuutamod's --neard-home, where its control socket is (env KUUTAMO_NEARD_HOME)")
    .action(async (options: SwitchoverOptions) => {
      setExitCode(await switchover(options));
    });
}
