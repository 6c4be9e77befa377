/**
 * Control-socket routes for restarting neard in a maintenance window (kneard's `restart` and
 * `maintenance-status`, issue 8):
 *   POST   /v1/restart      {minimumLength?, scheduleAt?}  schedule neard's stop at a height, confirmed by neard
 *   DELETE /v1/restart                                    cancel kuutamod's schedule
 *   GET    /v1/maintenance[?estimate=true]                what is scheduled, head, blocks and time left
 * The chart decides (machines/restart-setup.ts): the routes forward the request as events, read the
 * facts a height is chosen from (neard's head, its maintenance windows), and report the chart's answer. On
 * a standby the neard actor schedules the stop through the guard; neard exits at the height by itself, the
 * chart sees NEARD_EXITED and starts it again as after any exit, and the home preparation puts config.json
 * back first. On the leader the restart is a planned switchover (leader-restart.ts).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import type { CancelOutcome, ScheduleOutcome } from '../../machines/failover-events.js';
import { errorMessage } from '../../services/error-message.js';
import { NeardMetricsError, readNeardShutdownMetrics } from '../../services/neard/metrics.js';
import { PlannedShutdownFileError, readPlannedShutdown } from '../../services/neard/planned-shutdown-file.js';
import { ControlError, type ControlErrorBody } from './control-error.js';
import { restartLeader, type LeaderRestartAnswer } from './leader-restart.js';
import { readMaintenanceStatus } from './maintenance-status.js';
import type { ControlDependencies } from './control-dependencies.js';
import { askChart } from './restart-request.js';
import { boolean, integer, integerOrNull, nullable, objectSchema, text } from '../json-schema.js';
import { errorResponses, handoverRecordSchema, maintenanceStatusSchema, windowSchema } from './answer-schemas.js';
import { chooseShutdownHeight, type ShutdownPlan, type ShutdownRequest } from './shutdown-height.js';

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

const restartAnswerSchema = objectSchema<RestartAnswer>({
  height: integer,
  window: nullable(windowSchema),
  reason: text,
  head: integer,
  previous: integerOrNull,
  neardPid: integer,
  neardRestarts: integer,
});

const leaderRestartAnswerSchema = objectSchema<LeaderRestartAnswer>({ handover: handoverRecordSchema });

const cancelAnswerSchema = objectSchema<CancelAnswer>({ height: integer, expectedShutdown: integerOrNull, keptOperatorValue: boolean, confirmed: boolean, neard: text });

/** A standby's restart answers with its plan, the leader's with the switchover that restarts it. */
const restartResponses = { 200: { anyOf: [restartAnswerSchema, leaderRestartAnswerSchema] }, ...errorResponses } as const;

/** Errors of the layers below, as answers: the operator reads the message, the status says whose fault. */
function asControlError(error: unknown): ControlError {
  if (error instanceof ControlError) return error;
  if (error instanceof PlannedShutdownFileError) return new ControlError(500, error.message);
  if (error instanceof NeardMetricsError) return new ControlError(502, `${error.message}. Nothing was scheduled.`);
  const validation = (error as Partial<FastifyError>).validation;
  if (validation !== undefined) return new ControlError(400, `bad request: ${errorMessage(error)}`);
  return new ControlError(500, errorMessage(error));
}

/** A failed schedule as an answer: busy is the operator's to retry, gone and unconfirmed are neard's, the rest ours. */
function scheduleFailure(outcome: Extract<ScheduleOutcome, { ok: false }>): ControlError {
  const status = outcome.failure === 'busy' ? 409 : outcome.failure === 'gone' || outcome.failure === 'unconfirmed' ? 504 : 500;
  return new ControlError(status, outcome.message);
}

function cancelFailure(outcome: Extract<CancelOutcome, { ok: false }>): ControlError {
  return new ControlError(outcome.failure === 'none' ? 409 : 500, outcome.message);
}

export const maintenanceRoutes =
  (dependencies: ControlDependencies): FastifyPluginAsync =>
  async (app) => {
    const { settings, observer, actor, logger } = dependencies;
    const home = settings.neardHome;
    const requestTimeoutMs = settings.timings.requestTimeoutMs;

    app.setErrorHandler(async (error, _request, reply) => {
      const answer = asControlError(error);
      if (answer.statusCode >= 500) logger.warn({ status: answer.statusCode }, answer.message);
      return reply.code(answer.statusCode).send({ message: answer.message } satisfies ControlErrorBody);
    });

    app.post<{ Body: ShutdownRequest | undefined }>('/restart', { schema: { body: restartBodySchema, response: restartResponses } }, async (request): Promise<RestartAnswer | LeaderRestartAnswer> => {
      const body = request.body ?? {};
      const requestId = randomUUID();
      const asked = await askChart(actor, { type: 'RESTART_REQUESTED', requestId }, ['switchover', 'refused', 'approved']);
      if (asked.phase === 'switchover') return restartLeader(dependencies, body);
      if (asked.phase === 'refused') throw new ControlError(409, asked.message);
      if (asked.phase !== 'approved') throw new ControlError(500, `unexpected answer of the chart: ${asked.phase}`);
      const planned = readPlannedShutdown(home);
      if (planned !== null) {
        throw new ControlError(409, `a restart is already scheduled at height ${planned.height}: cancel it first (kuutamoctl restart --cancel).`);
      }
      const { head } = await readNeardShutdownMetrics(settings.rpcUrl, requestTimeoutMs);
      const plan = await chooseShutdownHeight(body, { rpcUrl: settings.rpcUrl, accountId: settings.accountId, head, requestTimeoutMs });
      // The chart checks again that nothing moved while the height was chosen (a restart, a promotion).
      const done = await askChart(actor, { type: 'RESTART_SCHEDULE', requestId, height: plan.height }, ['switchover', 'refused', 'scheduled']);
      if (done.phase === 'switchover') return restartLeader(dependencies, body);
      if (done.phase === 'refused') throw new ControlError(409, done.message);
      if (done.phase !== 'scheduled') throw new ControlError(500, `unexpected answer of the chart: ${done.phase}`);
      if (!done.outcome.ok) throw scheduleFailure(done.outcome);
      logger.info({ height: plan.height, head, window: plan.window, neard_pid: done.neardPid }, `neard will stop at height ${plan.height} (${plan.reason}) and be started again`);
      const neardRestarts = observer.snapshot?.context.neardRestarts ?? 0;
      return { ...plan, head, previous: done.outcome.previous, neardPid: done.neardPid, neardRestarts };
    });

    app.delete('/restart', { schema: { response: { 200: cancelAnswerSchema, ...errorResponses } } }, async (): Promise<CancelAnswer> => {
      const answer = await askChart(actor, { type: 'RESTART_CANCEL_REQUESTED', requestId: randomUUID() }, ['refused', 'cancelled']);
      if (answer.phase === 'refused') throw new ControlError(409, answer.message);
      if (answer.phase !== 'cancelled') throw new ControlError(500, `unexpected answer of the chart: ${answer.phase}`);
      const { outcome } = answer;
      if (!outcome.ok) throw cancelFailure(outcome);
      logger.info({ height: outcome.height, expected_shutdown: outcome.expectedShutdown, confirmed: outcome.confirmed }, `planned restart at ${outcome.height} cancelled: ${outcome.neard}`);
      return { height: outcome.height, expectedShutdown: outcome.expectedShutdown, keptOperatorValue: outcome.keptOperatorValue, confirmed: outcome.confirmed, neard: outcome.neard };
    });

    app.get<{ Querystring: { estimate?: boolean } }>(
      '/maintenance',
      { schema: { querystring: { type: 'object', properties: { estimate: { type: 'boolean' } } }, response: { 200: maintenanceStatusSchema, ...errorResponses } } },
      async (request) => readMaintenanceStatus({ nodeId: settings.nodeId, home, rpcUrl: settings.rpcUrl, observer, requestTimeoutMs }, request.query.estimate === true),
    );
  };
