/**
 * The one typed door to Consul. The `consul` package's typings miss what kuutamod relies on (blocking
 * queries with their X-Consul-Index, the request timeout, the session object as Consul sends it), so its
 * casts live here and nowhere else; callers get typed results: a session id, a boolean lock answer, a
 * KV entry with its index. It also knows the leader key and the value kuutamod stores in it.
 * The ACL token goes with each request rather than into the client's defaults, so setToken() rotates it
 * without a new client; TLS failures carry the endpoint's PEM files so messages can name them.
 */
import Consul from 'consul';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { hostname } from 'node:os';
import { explainConsulPermission, explainConsulTls, refusedRequestOf } from './permission.js';
import { errorMessage } from '../error-message.js';

/** Where Consul is and how to authenticate: the static settings, the same for every request. */
export interface ConsulEndpoint {
  /** e.g. http://localhost:8500 */
  url: string;
  /** ACL token sent as X-Consul-Token (from --consul-token-file or CONSUL_HTTP_TOKEN). */
  token?: string;
  /** PEM file of the CA that signed Consul's certificate (--consul-ca-file or CONSUL_CACERT), for https URLs. */
  caFile?: string;
  /** Client certificate and its key (PEM), for a Consul with verify_incoming_https. */
  clientCert?: string;
  clientKey?: string;
}

/** The PEM files of an endpoint, as a TLS failure of this client carries them (see consulTlsFilesOf). */
export type ConsulTlsFiles = Pick<ConsulEndpoint, 'caFile' | 'clientCert' | 'clientKey'>;

export interface ConsulConnection extends ConsulEndpoint {
  requestTimeoutMs: number;
}

/** A session as `GET /v1/session/info` returns it: the whole object, as `kuutamoctl --json` prints it. */
export type ConsulSessionInfo = Record<string, unknown> & { ID: string; Name: string };

/** What the lock cares about in a KV entry: which session holds it, if any. */
export interface ConsulKvEntry {
  Session?: string;
}

/** One answer of a blocking query: the key's entry (undefined when absent) and its X-Consul-Index as sent (see consul-index.ts). */
export interface ConsulKvWatchAnswer {
  entry: ConsulKvEntry | undefined;
  index: string | undefined;
}

/**
 * A failed Consul call, naming the endpoint (`PUT /v1/session/renew/<id>`) and keeping the HTTP
 * status of the answer, if any, for consulStatusCode. Answers of the wrong shape fail the same way,
 * so a broken or hostile server never reaches a caller as a TypeError on a missing field.
 */
export class ConsulCallError extends Error {
  override readonly name = 'ConsulCallError';
  readonly statusCode: number | undefined;

  constructor(endpoint: string, reason: string, statusCode?: number, options?: ErrorOptions) {
    super(`Consul ${endpoint}: ${reason}`, options);
    this.statusCode = statusCode;
  }
}

/** Run one call of the `consul` package; its failures become ConsulCallErrors naming `endpoint`. */
async function call<T>(endpoint: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const statusCode = consulStatusCode(error);
    // The package's own parsing fails with TypeErrors and SyntaxErrors on bodies Consul would never send.
    const reason = error instanceof TypeError || error instanceof SyntaxError ? `answered a body that could not be read (${error.message})` : errorMessage(error);
    throw new ConsulCallError(endpoint, reason, statusCode, { cause: error });
  }
}

/** A KV entry as the lock needs it, or a ConsulCallError: `Session`, when present, is a session id. */
function checkKvEntry(endpoint: string, entry: unknown): ConsulKvEntry {
  const session = (entry as { Session?: unknown } | null)?.Session;
  if (typeof entry !== 'object' || entry === null || (session !== undefined && typeof session !== 'string')) {
    throw new ConsulCallError(endpoint, `answered ${JSON.stringify(entry)?.slice(0, 80)}, not a KV entry`);
  }
  return entry;
}

/** A KV entry with what a reader of values needs: the key, its value as text (null: none), the holder, the index to CAS on. */
export interface ConsulKvRecord {
  Key: string;
  Value: string | null;
  Session?: string;
  ModifyIndex: number;
}

function checkKvRecord(endpoint: string, entry: unknown): ConsulKvRecord {
  const record = checkKvEntry(endpoint, entry) as Partial<ConsulKvRecord>;
  const value = record.Value ?? null;
  if (typeof record.Key !== 'string' || (value !== null && typeof value !== 'string') || typeof record.ModifyIndex !== 'number') {
    throw new ConsulCallError(endpoint, `answered ${JSON.stringify(entry)?.slice(0, 80)}, not a KV entry`);
  }
  return { Key: record.Key, Value: value, ModifyIndex: record.ModifyIndex, ...(record.Session === undefined ? {} : { Session: record.Session }) };
}

export interface SessionSpec {
  name: string;
  ttlMs: number;
  behavior: 'release' | 'delete';
  lockDelayMs: number;
  /** Health checks tied to the session; an explicit empty list keeps Consul from adding serfHealth. */
  checks: string[];
}

/** Consul may hold a blocking query up to wait + wait/16; our client timeout allows that plus this much. */
const BLOCKING_QUERY_SLACK_MS = 10_000;

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

export class ConsulClient {
  private readonly consul: Consul;
  private token: string | undefined;
  private readonly tlsFiles: ConsulTlsFiles;

  constructor({ url, token, caFile, clientCert, clientKey, requestTimeoutMs }: ConsulConnection) {
    const parsed = new URL(url);
    const secure = parsed.protocol === 'https:';
    this.token = token;
    this.tlsFiles = { caFile, clientCert, clientKey };
    // `timeout` is a documented default of the client (lib/constants.js) that its typings omit.
    const defaults = { timeout: requestTimeoutMs } as { token?: string };
    this.consul = new Consul({
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port ? Number(parsed.port) : secure ? 443 : 80,
      secure,
      defaults,
      ...(secure ? { agent: httpsAgent(this.tlsFiles) } : {}),
    });
  }

  /** Use this ACL token from the next request on (token rotation); undefined sends none. */
  setToken(token: string | undefined): void {
    this.token = token;
  }

  /** Returns the new session's id. */
  async createSession({ name, ttlMs, behavior, lockDelayMs, checks }: SessionSpec): Promise<string> {
    const endpoint = 'PUT /v1/session/create';
    const answer: unknown = await this.call(endpoint, () =>
      this.consul.session.create(this.withToken({ name, ttl: seconds(ttlMs), behavior, lockdelay: seconds(lockDelayMs), checks })),
    );
    const id = (answer as { ID?: unknown } | null)?.ID;
    if (typeof id !== 'string' || id === '') throw new ConsulCallError(endpoint, 'answered without a session ID');
    return id;
  }

  /** Throws with statusCode 404 (see consulStatusCode) when the session is gone; `timeoutMs` overrides the client's. */
  async renewSession(sessionId: string, timeoutMs?: number): Promise<void> {
    const timeout = timeoutMs === undefined ? {} : { timeout: timeoutMs };
    await this.call(`PUT /v1/session/renew/${sessionId}`, () => this.consul.session.renew(this.withToken({ id: sessionId, ...timeout })));
  }

  async destroySession(sessionId: string): Promise<void> {
    await this.call(`PUT /v1/session/destroy/${sessionId}`, () => this.consul.session.destroy(this.withToken({ id: sessionId })));
  }

  /** undefined when Consul no longer knows the session. */
  async sessionInfo(sessionId: string): Promise<ConsulSessionInfo | undefined> {
    const endpoint = `GET /v1/session/info/${sessionId}`;
    const info: unknown = await this.call(endpoint, () => this.consul.session.info(this.withToken({ id: sessionId })));
    if (info === undefined) return undefined;
    const { ID, Name } = (info ?? {}) as { ID?: unknown; Name?: unknown };
    if (typeof ID !== 'string' || typeof Name !== 'string') throw new ConsulCallError(endpoint, 'answered without a session ID and Name');
    return info as ConsulSessionInfo;
  }

  /** `PUT /v1/kv/<key>?acquire=<session>`: true when this session now holds the key. */
  async acquireLock(key: string, value: string, sessionId: string): Promise<boolean> {
    // Anything but a literal true (false, garbage) means the lock is not ours.
    return (await this.call(`PUT /v1/kv/${key}?acquire=${sessionId}`, () => this.consul.kv.set(this.withToken({ key, value, acquire: sessionId })))) === true;
  }

  /** undefined when the key does not exist. */
  async getKey(key: string): Promise<ConsulKvEntry | undefined> {
    return (await this.readKey(key, {}, undefined)).entry;
  }

  /**
   * Blocking query: answers once the key's index moves past `index` or after `waitMs`. `signal` cancels
   * the request (the promise then rejects).
   */
  async watchKey(key: string, index: string, waitMs: number, signal: AbortSignal): Promise<ConsulKvWatchAnswer> {
    return this.readKey(key, { index, wait: `${Math.ceil(waitMs / 1000)}s`, timeout: waitMs + waitMs / 16 + BLOCKING_QUERY_SLACK_MS }, signal);
  }

  /** `GET /v1/kv/<key>` with the whole response: 404 is an absent key, 200 must carry the entry. */
  private async readKey(key: string, query: Record<string, unknown>, signal: AbortSignal | undefined): Promise<ConsulKvWatchAnswer> {
    const endpoint = `GET /v1/kv/${key}`;
    const ctx = Object.assign(new EventEmitter(), { includeResponse: true });
    const cancel = () => ctx.emit('cancel');
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      // With ctx.includeResponse the client resolves to [response, entry]; its typings know neither.
      const [response, entry] = (await this.call(endpoint, () => this.consul.kv.get(this.withToken({ key, ...query, ctx }) as unknown as { key: string }))) as unknown as [
        IncomingMessage,
        unknown,
      ];
      const header = response.headers['x-consul-index'];
      const index = typeof header === 'string' ? header : undefined;
      if (response.statusCode === 404) return { entry: undefined, index };
      if (entry === undefined) throw new ConsulCallError(endpoint, `answered HTTP ${response.statusCode} without the key's entry`, response.statusCode);
      return { entry: checkKvEntry(endpoint, entry), index };
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

    /** A key's whole entry (value decoded as UTF-8, its ModifyIndex for check-and-set), undefined when absent. */
  async readRecord(key: string): Promise<ConsulKvRecord | undefined> {
    const endpoint = `GET /v1/kv/${key}`;
    const answer: unknown = await this.call(endpoint, () => this.consul.kv.get(this.withToken({ key })));
    return answer === undefined ? undefined : checkKvRecord(endpoint, answer);
  }

  /** Every entry under `prefix` (recurse), [] when there is none. */
  async listRecords(prefix: string): Promise<ConsulKvRecord[]> {
    const endpoint = `GET /v1/kv/${prefix}?recurse`;
    const answer: unknown = await this.call(endpoint, () => this.consul.kv.get(this.withToken({ key: prefix, recurse: true })));
    if (answer === undefined) return [];
    if (!Array.isArray(answer)) throw new ConsulCallError(endpoint, `answered ${JSON.stringify(answer)?.slice(0, 80)}, not a list of KV entries`);
    return answer.map((entry) => checkKvRecord(endpoint, entry));
  }

  /**
   * `PUT /v1/kv/<key>`, optionally as check-and-set (`cas`: 0 = only if absent, else only if the key's
   * ModifyIndex is still this), or taking/releasing it for a session. false: Consul refused the write.
   */
  async writeKey(key: string, value: string, options: { cas?: number; acquire?: string; release?: string } = {}): Promise<boolean> {
    // The package sends every option present, even an undefined one: keep only those given.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as typeof options;
    const query = Object.entries(given).map(([name, v]) => `${name}=${String(v)}`).join('&');
    const endpoint = `PUT /v1/kv/${key}${query ? `?${query}` : ''}`;
    return (await this.call(endpoint, () => this.consul.kv.set(this.withToken({ key, value, ...given })))) === true;
  }

  /** Free the lock on `key` if `sessionId` holds it (the session lives on). false: it did not hold it. */
  async releaseLock(key: string, value: string, sessionId: string): Promise<boolean> {
    return this.writeKey(key, value, { release: sessionId });
  }

  /** `DELETE /v1/kv/<key>`, with `cas` only if its ModifyIndex is still this. false: Consul refused. */
  async deleteKey(key: string, options: { cas?: number } = {}): Promise<boolean> {
    const endpoint = `DELETE /v1/kv/${key}${options.cas === undefined ? '' : `?cas=${options.cas}`}`;
    const given = options.cas === undefined ? {} : { cas: options.cas };
    return (await this.call(endpoint, () => this.consul.kv.del(this.withToken({ key, ...given })))) !== false;
  }

  /** Close kept-alive connections. */
  destroy(): void {
    this.consul.destroy();
  }

  /** The request's options with the current token, if any. */
  private withToken<Options extends object>(options: Options): Options & { token?: string } {
    return this.token ? { ...options, token: this.token } : options;
  }

  /** Run a request as `call` does; a failure leaves with this endpoint's PEM files attached, for describeConsulError. */
  private async call<T>(endpoint: string, request: () => Promise<T>): Promise<T> {
    try {
      return await call(endpoint, request);
    } catch (error) {
      if (typeof error === 'object' && error !== null) Object.assign(error, { [TLS_FILES]: this.tlsFiles });
      throw error;
    }
  }
}

/** Where a failed request's error keeps the endpoint's PEM files. */
const TLS_FILES = Symbol('consul TLS files');

/** The PEM files of the endpoint a failed request went to (empty for errors of other origin). */
export function consulTlsFilesOf(error: unknown): ConsulTlsFiles {
  return ((error as { [TLS_FILES]?: ConsulTlsFiles } | null)?.[TLS_FILES]) ?? {};
}

/** An https agent trusting the endpoint's CA (else the system's) and presenting its client certificate. */
function httpsAgent({ caFile, clientCert, clientKey }: ConsulTlsFiles): HttpsAgent {
  return new HttpsAgent({
    keepAlive: true,
    ...(caFile ? { ca: readFileSync(caFile) } : {}),
    ...(clientCert && clientKey ? { cert: readFileSync(clientCert), key: readFileSync(clientKey) } : {}),
  });
}

export function createConsulClient(connection: ConsulConnection): ConsulClient {
  return new ConsulClient(connection);
}

/** The key whose lock elects the validator; the same as Rust kuutamod so mixed clusters agree. */
export function consulLeaderKey(accountId: string): string {
  return `kuutamod-leader/${accountId}`;
}

/** The value kuutamod writes into the leader key when it acquires it. */
export function leaderKeyValue(nodeId: string): string {
  return JSON.stringify({ Hostname: hostname(), NodeId: nodeId });
}

/** HTTP status of a failed Consul call, if the server answered at all. */
export function consulStatusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** A one-line description of a Consul failure for logs and operator messages. */
export function describeConsulError(error: unknown): string {
  const status = consulStatusCode(error);
  const message = errorMessage(error);
  // The package's own error (its HTTP request, the TLS code) is the cause of our ConsulCallError.
  const origin = error instanceof ConsulCallError && error.cause !== undefined ? error.cause : error;
  const code = (origin as { code?: string } | null)?.code;
  const permission = explainConsulPermission(refusedRequestOf(origin)) ?? explainConsulTls(code, consulTlsFilesOf(error));
  return (status === undefined ? message : `HTTP ${status}: ${message}`) + (permission ? `: ${permission}` : '');
}
