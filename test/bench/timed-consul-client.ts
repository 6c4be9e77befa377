// The daemon's own Consul client (services/consul/client.ts), unchanged, with every request timed into a
// RequestLog: what the load generator's simulated daemons use, so the requests they send are exactly the
// daemon's and the latency is what the daemon's code would see (send to answer, in its own process).
// A request's kind names the method, the key's family (kuutamod-leader, kuutamod-members,
// kuutamod-handover) or the session endpoint, and the query that changes what Consul does with it.
import { ConsulClient, type ConsulConnection, type ConsulKvRecord, type ConsulKvWatchAnswer, type ConsulKvEntry, type ConsulSessionInfo, type SessionSpec } from '../../services/consul/client.js';
import type { RequestLog } from './request-log.js';

/** `kuutamod-members/pool-1.test/p1-a` -> `kuutamod-members`. */
const familyOf = (key: string): string => key.split('/')[0] ?? key;

export class TimedConsulClient extends ConsulClient {
  constructor(
    connection: ConsulConnection,
    private readonly requests: RequestLog,
  ) {
    super(connection);
  }

  private async timed<T>(kind: string, run: () => Promise<T>, blocking = false): Promise<T> {
    const start = performance.now();
    if (blocking) this.requests.opened(kind);
    try {
      const answer = await run();
      this.requests.record(kind, performance.now() - start, true, blocking);
      return answer;
    } catch (error) {
      this.requests.record(kind, performance.now() - start, false, blocking);
      throw error;
    } finally {
      if (blocking) this.requests.closed(kind);
    }
  }

  override createSession(spec: SessionSpec): Promise<string> {
    return this.timed('PUT /v1/session/create', () => super.createSession(spec));
  }

  override renewSession(sessionId: string, timeoutMs?: number): Promise<void> {
    return this.timed('PUT /v1/session/renew', () => super.renewSession(sessionId, timeoutMs));
  }

  override destroySession(sessionId: string): Promise<void> {
    return this.timed('PUT /v1/session/destroy', () => super.destroySession(sessionId));
  }

  override sessionInfo(sessionId: string): Promise<ConsulSessionInfo | undefined> {
    return this.timed('GET /v1/session/info', () => super.sessionInfo(sessionId));
  }

  override acquireLock(key: string, value: string, sessionId: string): Promise<boolean> {
    return this.timed(`PUT ${familyOf(key)} ?acquire`, () => super.acquireLock(key, value, sessionId));
  }

  override getKey(key: string): Promise<ConsulKvEntry | undefined> {
    return this.timed(`GET ${familyOf(key)}`, () => super.getKey(key));
  }

  override watchKey(key: string, index: string, waitMs: number, signal: AbortSignal): Promise<ConsulKvWatchAnswer> {
    return this.timed(`GET ${familyOf(key)} (blocking)`, () => super.watchKey(key, index, waitMs, signal), true);
  }

  override readRecord(key: string): Promise<ConsulKvRecord | undefined> {
    return this.timed(`GET ${familyOf(key)}`, () => super.readRecord(key));
  }

  override listRecords(prefix: string): Promise<ConsulKvRecord[]> {
    return this.timed(`GET ${familyOf(prefix)} ?recurse`, () => super.listRecords(prefix));
  }

  // releaseLock goes through writeKey: counted there, once.
  override writeKey(key: string, value: string, options: { cas?: number; acquire?: string; release?: string } = {}): Promise<boolean> {
    const query = options.acquire !== undefined ? ' ?acquire' : options.release !== undefined ? ' ?release' : options.cas !== undefined ? ' ?cas' : '';
    return this.timed(`PUT ${familyOf(key)}${query}`, () => super.writeKey(key, value, options));
  }

  override deleteKey(key: string, options: { cas?: number } = {}): Promise<boolean> {
    return this.timed(`DELETE ${familyOf(key)}`, () => super.deleteKey(key, options));
  }
}
