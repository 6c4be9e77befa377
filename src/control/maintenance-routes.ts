/**
 * Control-socket routes for restarting neard in a maintenance window (kneard's `restart` and
 * `maintenance-status`, issue 8):
 *   POST   /v1/restart      {minimumLength?, scheduleAt?}  schedule neard's stop at a height, confirmed by neard
 *   DELETE /v1/restart                                    cancel kuutamod's schedule
 *   GET    /v1/maintenance[?estimate=true]                what is scheduled, head, blocks and time left
 * neard exits at the height by itself; the chart sees NEARD_EXITED and starts it again as after any exit,
 * and the home preparation puts config.json back first. Nothing here changes the chart or goes around the
 * guard: the only signal sent is a config reload that cannot hand neard the key (services/neard/planned-shutdown.ts).
 */
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { holdsValidatorRole } from '../../machines/roles.js';
import { errorMessage } from '../../services/error-message.js';
import { NeardMetricsError, readNeardShutdownMetrics } from '../../services/neard/metrics.js';
import { cancelPlannedShutdown, PlannedShutdownError, schedulePlannedShutdown, type RunningNeard } from '../../services/neard/planned-shutdown.js';
import { PlannedShutdownFileError, readPlannedShutdown } from '../../services/neard/planned-shutdown-file.js';
import { ControlError, type ControlErrorBody } from './control-error.js';
import { restartLeader, type LeaderRestartAnswer } from './leader-restart.js';
import { readMaintenanceStatus } from './maintenance-status.js';
import type { ControlDependencies } from './routes.js';
import { chooseShutdownHeight, type ShutdownPlan, type ShutdownRequest } from './shutdown-height.js';

/** neard has this long to show a new expected_shutdown in /metrics after SIGHUP. */
const CONFIRM_TIMEOUT_MS = 10_000;

export interface RestartAnswer extends ShutdownPlan {
  head: number;
  /** The operator's own expected_shutdown before, put back after the restart; null: none. */
  previous: number | null;
  neardPid: number;
  neardRestarts: number;
}

export interface CancelAnswer {
  /** The height that was scheduled. */
  height: number;
  /** expected_shutdown in config.json now; null: none. */
  expectedShutdown: number | null;
  keptOperatorValue: boolean;
  confirmed: boolean;
  neard: string;
}

const heightSchema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const restartBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { scheduleAt: heightSchema, minimumLength: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
} as const;

/** Errors of the layers below, as answers: the operator reads the message, the status says whose fault. */
function asControlError(error: unknown): ControlError {
  if (error instanceof ControlError) return error;
  if (error instanceof PlannedShutdownError) return new ControlError(error.failure === 'busy' ? 409 : 504, error.message);
  if (error instanceof PlannedShutdownFileError) return new ControlError(500, error.message);
  if (error instanceof NeardMetricsError) return new ControlError(502, `${error.message}. Nothing was scheduled.`);
  const validation = (error as Partial<FastifyError>).validation;
  if (validation !== undefined) return new ControlError(400, `bad request: ${errorMessage(error)}`);
  return new ControlError(500, errorMessage(error));
}

export const maintenanceRoutes =
  (dependencies: ControlDependencies): FastifyPluginAsync =>
  async (app) => {
    const { settings, observer, logger } = dependencies;
    const home = settings.neardHome;
    const requestTimeoutMs = settings.timings.requestTimeoutMs;
    const timings = { confirmTimeoutMs: CONFIRM_TIMEOUT_MS, requestTimeoutMs };
    // One restart or cancel at a time on this node: two would race on config.json and on neard's reloads.
    let busy = false;
    const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
      if (busy) throw new ControlError(409, 'another restart or cancel is running on this node: wait for it, then look at `kuutamoctl maintenance-status`');
      busy = true;
      try {
        return await work();
      } finally {
        busy = false;
      }
    };
    const runningNeard = (): RunningNeard | null => {
      const context = observer.snapshot?.context;
      if (context?.neardPid == null || context.neardMode === null) return null;
      return { home, rpcUrl: settings.rpcUrl, pid: context.neardPid, mode: context.neardMode };
    };

    app.setErrorHandler(async (error, _request, reply) => {
      const answer = asControlError(error);
      if (answer.statusCode >= 500) logger.warn({ status: answer.statusCode }, answer.message);
      return reply.code(answer.statusCode).send({ message: answer.message } satisfies ControlErrorBody);
    });

    app.post<{ Body: ShutdownRequest | undefined }>('/restart', { schema: { body: restartBodySchema } }, async (request): Promise<RestartAnswer | LeaderRestartAnswer> =>
      exclusive(async () => {
        const snapshot = observer.snapshot;
        const context = snapshot?.context;
        if (snapshot !== null && holdsValidatorRole(snapshot)) return restartLeader(dependencies, request.body ?? {});
        const neard = runningNeard();
        if (neard === null || context === undefined) {
          throw new ControlError(409, `neard is not running on this node (state ${observer.currentState ?? 'unknown'}): there is nothing to restart. Nothing was scheduled.`);
        }
        const planned = readPlannedShutdown(home);
        if (planned !== null) {
          throw new ControlError(409, `a restart is already scheduled at height ${planned.height}: cancel it first (kuutamoctl restart --cancel).`);
        }
        const metrics = await readNeardShutdownMetrics(neard.rpcUrl, requestTimeoutMs);
        const { head } = metrics;
        const plan = await chooseShutdownHeight(request.body ?? {}, { rpcUrl: neard.rpcUrl, accountId: settings.accountId, head, requestTimeoutMs });
        // The chart may have moved while neard was asked: look again, right before the write and the SIGHUP
        // (no wait in between), so a neard being restarted or promoted meanwhile is never scheduled.
        const latest = observer.snapshot;
        if (latest !== null && holdsValidatorRole(latest)) return restartLeader(dependencies, request.body ?? {});
        const now = latest?.context;
        if (now?.neardPid !== neard.pid || now.neardStartAwaited !== null) {
          throw new ControlError(409, `neard (pid ${neard.pid}) was restarted meanwhile (state ${observer.currentState ?? 'unknown'}). Nothing was scheduled; try again.`);
        }
        const record = await schedulePlannedShutdown(neard, plan.height, metrics, timings);
        logger.info({ height: plan.height, head, window: plan.window, neard_pid: neard.pid }, `neard will stop at height ${plan.height} (${plan.reason}) and be started again`);
        return { ...plan, head, previous: record.previous, neardPid: neard.pid, neardRestarts: context.neardRestarts };
      }),
    );

    app.delete('/restart', async (): Promise<CancelAnswer> =>
      exclusive(async () => {
        const outcome = await cancelPlannedShutdown(home, runningNeard(), timings);
        if (outcome === null) throw new ControlError(409, 'no restart is scheduled by kuutamod on this node: nothing to cancel (see kuutamoctl maintenance-status).');
        logger.info({ height: outcome.record.height, expected_shutdown: outcome.expectedShutdown, confirmed: outcome.confirmed }, `planned restart at ${outcome.record.height} cancelled: ${outcome.neard}`);
        return {
          height: outcome.record.height,
          expectedShutdown: outcome.expectedShutdown,
          keptOperatorValue: outcome.keptOperatorValue,
          confirmed: outcome.confirmed,
          neard: outcome.neard,
        };
      }),
    );

    app.get<{ Querystring: { estimate?: boolean } }>(
      '/maintenance',
      { schema: { querystring: { type: 'object', properties: { estimate: { type: 'boolean' } } } } },
      async (request) => readMaintenanceStatus({ nodeId: settings.nodeId, home, rpcUrl: settings.rpcUrl, observer, requestTimeoutMs }, request.query.estimate === true),
    );
  };
