/**
 * Failsafe confirmations (issue 18) for tests: a pool's key, a member's confirm route on a Fastify app with
 * a settable lock view and the refrains it was told to keep, a clock the test moves, and a fetch that
 * reaches such apps through `inject` (no socket), so the unit tier runs the leader's round against the real
 * route. The integration test serves the same apps on real ports.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { deriveFailsafeKey, type FailsafeKey } from '../../services/pool/failsafe/key.js';
import type { MemberLockView } from '../../services/pool/failsafe/member-decision.js';
import { memberResponder } from '../../services/pool/failsafe/member-responder.js';
import { ReplayWindow } from '../../services/pool/failsafe/replay-window.js';
import { generateNearKey } from '../../src/cli/generate-key.js';
import { failsafeConfirmPlugin } from '../../src/failsafe/confirm-route.js';

export const ACCOUNT = 'pool.test';

/** The failsafe key of a fresh validator key: two calls give two pools' (different) keys. */
export const freshPoolKey = (accountId = ACCOUNT): FailsafeKey => deriveFailsafeKey(generateNearKey(accountId).secret_key, accountId);

/** A monotonic clock the test moves. */
export class TestClock {
  constructor(public t = 1_000_000) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface LogLine {
  level: number;
  msg: string;
  peer?: string;
  kind?: string;
}

export interface TestMember {
  nodeId: string;
  app: FastifyInstance;
  /** Set it to what the member's daemon would know of the lock. */
  view: MemberLockView;
  /** Every refrain the route told the daemon to keep (monotonic until). */
  refrains: number[];
  replay: ReplayWindow;
  logs: LogLine[];
}

export interface TestMemberOptions {
  nodeId: string;
  key: FailsafeKey;
  clock: Pick<TestClock, 'now'>;
  refrainMs?: number;
  accountId?: string;
  /** Every app gets a route other than the plugin's, to show the plugin keeps its parsers to itself. */
  extraRoutes?: (app: FastifyInstance) => void;
}

export const DEFAULT_REFRAIN_MS = 20_000;

export function testMember({ nodeId, key, clock, refrainMs = DEFAULT_REFRAIN_MS, accountId = ACCOUNT, extraRoutes }: TestMemberOptions): TestMember {
  const logs: LogLine[] = [];
  const logger: Logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  const member: TestMember = { nodeId, app: Fastify({ logger: false }), view: { holdsOrAcquiringLock: false, consulHolder: 'unknown' }, refrains: [], replay: new ReplayWindow(), logs };
  const respond = memberResponder({
    identity: { nodeId, accountId },
    key,
    refrainMs,
    now: clock.now,
    view: () => member.view,
    onRefrain: (until) => member.refrains.push(until),
    replay: member.replay,
  });
  void member.app.register(failsafeConfirmPlugin, { respond, logger });
  extraRoutes?.(member.app);
  return member;
}

/** The global fetch's type, for tests that may not name the global (the unit tier). */
export type Fetch = typeof fetch;

/** A fetch that hands each request to the app its URL's host names, through inject; an unknown host is refused as a real fetch would. */
export function injectFetch(apps: Record<string, FastifyInstance>, remoteAddress = '10.0.0.1'): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    init?.signal?.throwIfAborted();
    const app = apps[url.host];
    if (app === undefined) throw new TypeError('fetch failed', { cause: new Error(`connect ECONNREFUSED ${url.host}`) });
    const response = await app.inject({
      method: (init?.method ?? 'GET') as 'POST',
      url: url.pathname,
      headers: init?.headers as Record<string, string>,
      payload: typeof init?.body === 'string' ? init.body : undefined,
      remoteAddress,
    });
    return new Response(response.body, { status: response.statusCode, headers: { 'content-type': String(response.headers['content-type'] ?? 'text/plain') } });
  };
}
