/**
 * GET /v1/takeover-check/:node (issue 17): what `kuutamoctl switchover --wait` and `restart --wait` follow
 * once a handover is done. The node's member record as Consul has it now (does it lead, and the check after
 * its takeover once decided), and this daemon's production timings, from which the command bounds its wait
 * (src/cli/takeover-wait.ts). Read only; any node's daemon answers.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TakeoverCheckResult } from '../../machines/failover-events.js';
import { describeConsulError } from '../../services/consul/client.js';
import { readMembers } from '../../services/pool/member-record.js';
import { boolean, integer, nullable, number, objectSchema, text } from '../json-schema.js';
import { errorResponses } from './answer-schemas.js';
import type { ControlDependencies } from './control-dependencies.js';
import { ControlError, type ControlErrorBody } from './control-error.js';

/** The parts of the node's member record the wait reads. */
export interface TakeoverCheckMember {
  state: string;
  holdsLock: boolean;
  /** Wall-clock ms of the record's write. */
  publishedAt: number;
  /** The check after its latest takeover, once decided; null: still checking, none, or an older kuutamod. */
  takeover: TakeoverCheckResult | null;
}

export interface TakeoverCheckAnswer {
  nodeId: string;
  /** null: the node has no member record in Consul. */
  member: TakeoverCheckMember | null;
  /** This daemon's --production-grace: how long a new leader waits for its first block or chunk. */
  productionGraceMs: number;
  /** This daemon's --production-check-interval: the check starts and ends on a poll. */
  productionCheckIntervalMs: number;
}

const takeoverSchema = objectSchema<TakeoverCheckResult>({ result: { type: 'string', enum: ['producing', 'not-producing', 'unconfirmed'] }, detail: text });
const answerSchema = objectSchema<TakeoverCheckAnswer>({
  nodeId: text,
  member: nullable(objectSchema<TakeoverCheckMember>({ state: text, holdsLock: boolean, publishedAt: number, takeover: nullable(takeoverSchema) })),
  productionGraceMs: integer,
  productionCheckIntervalMs: integer,
});
const paramsSchema = { type: 'object', properties: { node: { type: 'string', minLength: 1 } }, required: ['node'] } as const;

export const takeoverCheckRoutes =
  ({ consul, settings }: ControlDependencies): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Params: { node: string } }>(
      '/takeover-check/:node',
      { schema: { params: paramsSchema, response: { 200: answerSchema, ...errorResponses } } },
      async (request, reply): Promise<TakeoverCheckAnswer> => {
        const nodeId = request.params.node;
        let record;
        try {
          record = (await readMembers(consul, settings.accountId)).members.find((m) => m.nodeId === nodeId);
        } catch (error) {
          const failure = new ControlError(503, `cannot read the pool's member records from Consul: ${describeConsulError(error)}`);
          return reply.code(failure.statusCode).send({ message: failure.message } satisfies ControlErrorBody);
        }
        const member = record === undefined ? null : { state: record.state, holdsLock: record.holdsLock, publishedAt: record.publishedAt, takeover: record.production?.takeover ?? null };
        return { nodeId, member, productionGraceMs: settings.productionGraceMs, productionCheckIntervalMs: settings.productionCheckIntervalMs };
      },
    );
  };
