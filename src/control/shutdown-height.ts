/**
 * The height at which neard is to stop for `kuutamoctl restart`: the operator's --schedule-at, else the
 * start of a maintenance window of the pool's account (machines/window-rules.ts, settling for the longest
 * window when none is MINIMUM_LENGTH long: kneard's rule), with the reason in words. A windows RPC that is
 * missing, failing or answering garbage is a refusal naming the neard URL: the caller writes nothing then.
 */
import { chooseWindow, WINDOW_MARGIN_BLOCKS, type MaintenanceWindow } from '../../machines/window-rules.js';
import { fetchMaintenanceWindows, MaintenanceWindowsError } from '../../services/neard/maintenance-windows.js';
import { ControlError } from './control-error.js';

export interface ShutdownRequest {
  /** --schedule-at */
  scheduleAt?: number;
  /** MINIMUM_LENGTH; 0 or absent: the first window. */
  minimumLength?: number;
}

export interface ShutdownPlan {
  height: number;
  /** The window the height lies in (clipped to the margin above the head), or null for --schedule-at. */
  window: MaintenanceWindow | null;
  /** Why this height, in words. */
  reason: string;
}

export interface NeardWhere {
  rpcUrl: string;
  accountId: string;
  head: number;
  requestTimeoutMs: number;
}

function windowFailure(error: MaintenanceWindowsError, rpcUrl: string): ControlError {
  const what =
    error.failure === 'absent'
      ? `neard ${rpcUrl} has no maintenance-windows RPC (an older neard)`
      : error.failure === 'unreachable'
        ? `${error.message} (is neard up?)`
        : error.message;
  return new ControlError(502, `${what}. Nothing was scheduled. Give a height above the head with --schedule-at instead.`);
}

export async function chooseShutdownHeight(request: ShutdownRequest, neard: NeardWhere): Promise<ShutdownPlan> {
  const { head } = neard;
  if (request.scheduleAt !== undefined) {
    if (request.scheduleAt <= head) {
      throw new ControlError(400, `--schedule-at ${request.scheduleAt} is not above neard's head ${head}. Give a height above ${head}. Nothing was scheduled.`);
    }
    return { height: request.scheduleAt, window: null, reason: 'the height given with --schedule-at' };
  }
  let windows: MaintenanceWindow[];
  try {
    windows = await fetchMaintenanceWindows(neard.rpcUrl, neard.accountId, neard.requestTimeoutMs);
  } catch (error) {
    if (error instanceof MaintenanceWindowsError) throw windowFailure(error, neard.rpcUrl);
    throw error;
  }
  const minimum = request.minimumLength ?? 0;
  const window = chooseWindow(windows, head, minimum, 'longest');
  if (window === null) {
    throw new ControlError(
      409,
      `no maintenance window is left in this epoch for ${neard.accountId} (neard ${neard.rpcUrl}, head ${head}). Try again once the next epoch has begun, or give --schedule-at. Nothing was scheduled.`,
    );
  }
  const length = window.end - window.start;
  const reason =
    minimum <= 0
      ? `the first maintenance window from head ${head} + ${WINDOW_MARGIN_BLOCKS}`
      : length >= minimum
        ? `the first maintenance window of at least ${minimum} blocks`
        : `no window of ${minimum} blocks is left in this epoch: the longest one (${length} blocks)`;
  return { height: window.start, window, reason };
}
