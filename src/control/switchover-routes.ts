/**
 * The control socket's switchover routes (kuutamoctl switchover): POST /v1/switchover asks for a planned
 * handover of the validator role, GET /v1/switchover shows the pool's record, POST /v1/switchover/cancel
 * cancels one not yet under way. Any node's daemon answers (a standby too): the request is checked here
 * (leader; candidate and window by the pool's rules, machines/pool-rules.ts and window-rules.ts), then
 * written to Consul by check-and-set (services/pool/handover-record.ts).
 * The leader's and the candidate's charts carry it out; this route never touches the lock or neard.
 * Refusals are HTTP 409 with a message for the operator; a Consul or neard that cannot be asked is 503.
 */
import type { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import { bestHead, pickCandidate } from '../../machines/pool-rules.js';
import { chooseWindow, switchoverWindowRefusal } from '../../machines/window-rules.js';
import { consulLeaderKey, describeConsulError } from '../../services/consul/client.js';
import { createHandover, isTerminalPhase, moveHandover, readHandover, type HandoverRecord } from '../../services/pool/handover-record.js';
import { fetchMaintenanceWindows, MaintenanceWindowsError } from '../../services/neard/maintenance-windows.js';
import { readMembers } from '../../services/pool/member-record.js';
import { findActiveValidator } from '../active-validator.js';
import { nullable, objectSchema, text } from '../json-schema.js';
import { handoverRecordSchema } from './answer-schemas.js';
import type { ControlDependencies } from './control-dependencies.js';

export interface SwitchoverRequest {
  to?: string;
  mode: 'now' | 'window';
  minimumLength: number;
  requestedBy?: string;
}

/** What every answer carries: the record (if any) and, for a refusal, why. */
export interface SwitchoverAnswer {
  record: HandoverRecord | null;
  error?: string;
}

/** A refusal the operator can act on (HTTP 409), or Consul / neard out of reach (503). */
class Refusal extends Error {
  constructor(
    readonly status: 409 | 503,
    message: string,
    readonly record: HandoverRecord | null = null,
  ) {
    super(message);
  }
}

const requestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mode', 'minimumLength'],
  properties: {
    to: { type: 'string', minLength: 1 },
    mode: { enum: ['now', 'window'] },
    minimumLength: { type: 'integer', minimum: 1 },
    requestedBy: { type: 'string' },
  },
} as const;

const describeRecord = (r: HandoverRecord): string =>
  `${r.id} from ${r.from} to ${r.to}, phase ${r.phase}${r.deadlineAt === null ? '' : `, ends by ${new Date(r.deadlineAt).toISOString()}`}`;

/**
 * The node id of the lock's holder, or a refusal when the pool has no leader. Found as `kuutamoctl
 * active-validator` and `kuutamoctl list` find it (findActiveValidator: the holding session's Name), so
 * every tool names the same leader.
 */
async function currentLeader({ consul, settings }: ControlDependencies): Promise<string> {
  const answer = await findActiveValidator(consul, settings.accountId);
  if (answer.kind === 'found') return answer.session.Name;
  const key = consulLeaderKey(settings.accountId);
  const lastSession = answer.kind === 'expired' ? ': the last leader\'s session has ended' : '';
  throw new Refusal(409, `the pool ${settings.accountId} has no leader (${key} is held by no session${lastSession}): a switchover needs a validating leader.`);
}

async function plan(dependencies: ControlDependencies, request: SwitchoverRequest): Promise<HandoverRecord> {
  const { consul, settings, observer } = dependencies;
  const from = await currentLeader(dependencies);
  const existing = await readHandover(consul, settings.accountId).catch(() => undefined);
  if (existing !== undefined && !isTerminalPhase(existing.record.phase)) {
    throw new Refusal(409, `a handover is already under way: ${describeRecord(existing.record)}. Wait for it, or cancel it (kuutamoctl switchover --cancel).`, existing.record);
  }
  const { members } = await readMembers(consul, settings.accountId);
  const now = Date.now();
  const choice = pickCandidate(members, { leaderId: from, to: request.to }, { maxLagBlocks: settings.maxLagBlocks }, now);
  if ('refusal' in choice) throw new Refusal(409, choice.refusal);
  let window: HandoverRecord['window'] = null;
  if (request.mode === 'window') {
    const head = bestHead(members, now) ?? observer.snapshot?.context.blockHeight ?? null;
    if (head === null) throw new Refusal(409, 'no head height is known yet (neither the members nor this node reported one): try again shortly, or use --now.');
    const windows = await fetchMaintenanceWindows(settings.rpcUrl, settings.accountId, settings.timings.requestTimeoutMs);
    window = chooseWindow(windows, head, request.minimumLength, 'refuse');
    if (window === null) throw new Refusal(409, switchoverWindowRefusal(windows, head, request.minimumLength));
  }
  return {
    id: randomUUID(),
    from,
    to: choice.nodeId,
    mode: request.mode,
    minimumLength: request.minimumLength,
    window,
    requestedAt: Date.now(),
    requestedBy: request.requestedBy ?? 'kuutamoctl',
    phase: 'requested',
    deadlineAt: null,
    message: null,
  };
}

/**
 * Check a request and write it to Consul (check-and-set: of two at once, one wins). Returns the record;
 * throws a SwitchoverRefusal (see switchoverRefusalOf). Also the leader's `kuutamoctl restart`.
 */
export async function createSwitchover(dependencies: ControlDependencies, request: SwitchoverRequest): Promise<HandoverRecord> {
  const { consul, settings, logger } = dependencies;
  const record = await plan(dependencies, request);
  const outcome = await createHandover(consul, settings.accountId, record);
  if (!outcome.created) {
    const why = outcome.active === null ? 'another request changed the handover record at the same moment' : `a handover is already under way: ${describeRecord(outcome.active)}`;
    throw new Refusal(409, `${why}. Only one switchover runs at a time; see kuutamoctl switchover --wait.`, outcome.active);
  }
  logger.info({ handover: record }, `switchover requested by ${record.requestedBy}: ${record.from} -> ${record.to}`);
  return record;
}

/** A failure of createSwitchover as the status and message an operator is answered with. */
export function switchoverRefusalOf(error: unknown, rpcUrl: string): { status: 409 | 503; message: string } {
  const refusal = refusalOf(error, rpcUrl);
  return { status: refusal.status, message: refusal.message };
}

/** Turn a failure into the answer kuutamoctl prints. */
function refusalOf(error: unknown, rpcUrl: string): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof MaintenanceWindowsError) {
    return new Refusal(409, `cannot read the maintenance windows from this node's neard at ${rpcUrl}: ${error.message}. --now still works.`);
  }
  return new Refusal(503, `Consul could not be asked: ${describeConsulError(error)}`);
}

const switchoverAnswerSchema = objectSchema<SwitchoverAnswer>({ record: nullable(handoverRecordSchema), error: text }, ['error']);

/** Every answer of these routes, accepted, refused or failed, is a SwitchoverAnswer (a bad body keeps Fastify's 400). */
const answerResponses = { 200: switchoverAnswerSchema, 202: switchoverAnswerSchema, 409: switchoverAnswerSchema, 503: switchoverAnswerSchema } as const;

export const switchoverRoutes =
  (dependencies: ControlDependencies): FastifyPluginAsync =>
  async (app) => {
    const { consul, settings, logger } = dependencies;
    const answer = (reply: { code(status: number): { send(body: SwitchoverAnswer): unknown } }, error: unknown) => {
      const refusal = refusalOf(error, settings.rpcUrl);
      logger.info({ refusal: refusal.message }, 'switchover refused');
      return reply.code(refusal.status).send({ record: refusal.record, error: refusal.message });
    };

    app.post<{ Body: SwitchoverRequest }>('/switchover', { schema: { body: requestSchema, response: answerResponses } }, async (request, reply) => {
      try {
        const record = await createSwitchover(dependencies, request.body);
        return reply.code(202).send({ record } satisfies SwitchoverAnswer);
      } catch (error) {
        return answer(reply, error);
      }
    });

    app.get('/switchover', { schema: { response: answerResponses } }, async (_request, reply) => {
      try {
        const stored = await readHandover(consul, settings.accountId);
        return reply.send({ record: stored?.record ?? null } satisfies SwitchoverAnswer);
      } catch (error) {
        return answer(reply, error);
      }
    });

    app.post('/switchover/cancel', { schema: { response: answerResponses } }, async (_request, reply) => {
      try {
        const stored = await readHandover(consul, settings.accountId);
        const record = stored?.record;
        if (record === undefined || isTerminalPhase(record.phase)) throw new Refusal(409, 'no switchover is waiting: nothing to cancel.', record ?? null);
        if (record.phase !== 'requested') {
          throw new Refusal(409, `the switchover is under way and can no longer be cancelled: ${describeRecord(record)}.`, record);
        }
        const outcome = await moveHandover(consul, settings.accountId, record.id, 'cancelled', { message: 'cancelled by the operator' }, undefined, 'requested');
        const now = (await readHandover(consul, settings.accountId))?.record ?? null;
        if (outcome !== 'moved') throw new Refusal(409, `the switchover moved on meanwhile and was not cancelled: ${now === null ? 'gone' : describeRecord(now)}.`, now);
        return reply.send({ record: now } satisfies SwitchoverAnswer);
      } catch (error) {
        return answer(reply, error);
      }
    });
  };
