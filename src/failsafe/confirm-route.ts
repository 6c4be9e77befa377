/**
 * POST /v1/failsafe/confirm on the exporter server (issue 18): where a leader cut off from Consul asks this
 * member to confirm it (docs/failsafe-protocol.md). The route only carries bytes: the body goes as text to
 * the injected responder (services/pool/failsafe/member-responder.ts), which decides, and its answer or
 * rejection goes back. Every body is taken as text whatever its content type, so a malformed one reaches
 * the responder and is named there, not refused by Fastify's JSON parser with a generic error.
 *
 * Rejections are logged once per peer and kind, refusals once per peer and reason: a leader asks every
 * second or so, and a misconfigured one would otherwise fill the log.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Rejection } from '../../services/pool/failsafe/member-decision.js';
import type { MemberResponder } from '../../services/pool/failsafe/member-responder.js';
import { FAILSAFE_CONFIRM_PATH } from '../../services/pool/member-failsafe.js';

/** A request is about 400 bytes; anything much larger is not one. */
export const FAILSAFE_BODY_LIMIT = 4096;

export interface FailsafeRouteOptions {
  respond: MemberResponder;
  logger: Logger;
  /** Called for every rejection (a metric), logged or not. */
  onRejection?: (rejection: Rejection, peer: string) => void;
}

/** How many (peer, kind) pairs are remembered as logged; past that, one line says logging stopped. */
const MAX_LOGGED = 512;

/** Remembers what was logged, so each distinct thing is logged once, in bounded memory. */
class LoggedOnce {
  private readonly seen = new Set<string>();
  private full = false;

  constructor(private readonly logger: Logger) {}

  /** Log via `write` unless `key` was logged before. */
  once(key: string, write: () => void): void {
    if (this.seen.has(key)) return;
    if (this.seen.size >= MAX_LOGGED) {
      if (!this.full) this.logger.warn(`failsafe: more than ${MAX_LOGGED} distinct peers and kinds of rejection; not logging new ones`);
      this.full = true;
      return;
    }
    this.seen.add(key);
    write();
  }
}

export const failsafeConfirmPlugin: FastifyPluginAsync<FailsafeRouteOptions> = async (app: FastifyInstance, { respond, logger, onRejection }) => {
  const logged = new LoggedOnce(logger);

  const rejected = (rejection: Rejection, peer: string): void => {
    onRejection?.(rejection, peer);
    logged.once(JSON.stringify(['rejected', peer, rejection.kind]), () =>
      logger.warn({ peer, kind: rejection.kind, status: rejection.status }, `failsafe: rejected a confirmation request from ${peer} (${rejection.kind}): ${rejection.message}; further ${rejection.kind} requests from this peer are not logged`),
    );
  };

  // Encapsulated in this plugin: the rest of the server keeps Fastify's parsers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: FAILSAFE_BODY_LIMIT }, (_request, body, done) => done(null, body));
  // What Fastify refuses before the handler (a body over the limit, a broken stream) is garbage too,
  // answered as JSON; anything else is this daemon's fault, and said so.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const rejection: Rejection = { kind: 'garbage', status, message: `garbage request: ${error.message}` };
      rejected(rejection, request.ip);
      return reply.code(status).send({ error: rejection.message, kind: rejection.kind });
    }
    logger.error({ peer: request.ip, err: error }, `failsafe: could not answer a confirmation request: ${error.message}`);
    return reply.code(500).send({ error: `this member could not answer: ${error.message}` });
  });

  app.post(FAILSAFE_CONFIRM_PATH, { bodyLimit: FAILSAFE_BODY_LIMIT }, async (request, reply) => {
    const peer = request.ip;
    const decision = respond(typeof request.body === 'string' ? request.body : '');
    if (decision.kind === 'rejected') {
      rejected(decision.rejection, peer);
      return reply.code(decision.rejection.status).send({ error: decision.rejection.message, kind: decision.rejection.kind });
    }
    const { answer } = decision;
    if (answer.verdict === 'refuse') {
      logged.once(JSON.stringify(['refused', peer, answer.reason]), () =>
        logger.info({ peer, leader: answer.leader, session: answer.session }, `failsafe: refused to confirm leader ${answer.leader}: ${answer.reason}`),
      );
    }
    return reply.code(200).send(answer);
  });
};
