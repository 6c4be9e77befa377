/**
 * This daemon's door to the pool's history: entries go to Consul (history-record.ts, check-and-set) with
 * every entry still waiting in the local fallback (history-fallback.ts) first, so this node's entries
 * reach Consul in the order it made them. While Consul fails they wait in the file and are tried again
 * every `retryMs`; Consul trouble is logged once per outage and garbage once per problem, and never
 * reaches the caller. Writes run one at a time. Reads merge the waiting entries in (GET /v1/history).
 */
import type { Logger } from 'pino';
import { HISTORY_LIMIT, mergeHistory, type HistoryEntry } from '../../machines/history-list.js';
import { describeConsulError } from '../consul/client.js';
import { errorMessage } from '../error-message.js';
import { readFallback, rewriteFallback } from './history-fallback.js';
import { appendHistory, readHistory, type HistoryKv } from './history-record.js';

export interface HistoryStoreOptions {
  consul: HistoryKv;
  accountId: string;
  /** The fallback file (HISTORY_FALLBACK_FILE in the neard home). */
  file: string;
  /** How often entries waiting in the file are tried again while Consul fails. */
  retryMs: number;
  logger: Logger;
  limit?: number;
}

export interface HistoryRead {
  /** Consul's entries in stored order, with this node's waiting ones merged in. */
  entries: HistoryEntry[];
  /** Entries (or completions) of this node that have not reached Consul yet. */
  pendingIds: string[];
  /** Garbage in the key, a failed read: in words, for the operator. */
  problems: string[];
}

/** Consul holds this entry as it is here (a waiting completion of an open entry is not there yet). */
const holds = (stored: readonly HistoryEntry[], entry: HistoryEntry): boolean => stored.some((known) => known.id === entry.id && known.to === entry.to);

export class HistoryStore {
  /** Entries not known to be in Consul, as in the file. */
  private pending: HistoryEntry[];
  private queue: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;
  private outage = false;
  private closed = false;
  private readonly limit: number;
  /** Problems already logged: each once. */
  private readonly said = new Set<string>();

  constructor(private readonly options: HistoryStoreOptions) {
    this.limit = options.limit ?? HISTORY_LIMIT;
    const { entries, problems } = readFallback(options.file);
    this.pending = entries;
    this.warnOnce(problems);
    // Left by an earlier run that could not reach Consul before it ended.
    if (entries.length > 0) {
      options.logger.info(`${entries.length} history entry(ies) from ${options.file} wait for Consul`);
      void this.enqueue(() => this.flush());
    }
  }

  /** Add `entry` (new, or the completion of an open one): to Consul now if it answers, else kept in the file. */
  record(entry: HistoryEntry): Promise<void> {
    return this.enqueue(async () => {
      this.pending = mergeHistory(this.pending, [entry], this.limit);
      this.keepInFile();
      await this.flush();
    });
  }

  /** The pool's history with this node's waiting entries; a failed Consul read gives those alone, and says so. */
  async read(): Promise<HistoryRead> {
    const pending = this.pending;
    try {
      const stored = await readHistory(this.options.consul, this.options.accountId);
      this.warnOnce(stored.problems);
      return {
        entries: mergeHistory(stored.entries, pending, this.limit),
        pendingIds: pending.filter((entry) => !holds(stored.entries, entry)).map((entry) => entry.id),
        problems: stored.problems,
      };
    } catch (error) {
      const problem = `cannot read the pool's history from Consul (${describeConsulError(error)}); showing only this node's entries not written there yet`;
      return { entries: [...pending], pendingIds: pending.map((entry) => entry.id), problems: [problem] };
    }
  }

  /** Resolves once every write asked for so far was tried; no retries after. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.queue;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((error: unknown) => this.options.logger.error(`history: ${errorMessage(error)}`));
    return this.queue;
  }

  private async flush(): Promise<void> {
    clearTimeout(this.retry);
    if (this.pending.length === 0) return;
    const flushing = this.pending;
    const { consul, accountId, logger, file, retryMs } = this.options;
    try {
      this.warnOnce(await appendHistory(consul, accountId, flushing, this.limit));
    } catch (error) {
      if (!this.outage) logger.warn(`cannot write the pool's history to Consul (${flushing.length} entry(ies) kept in ${file}, tried again every ${retryMs} ms): ${describeConsulError(error)}`);
      this.outage = true;
      if (!this.closed) this.retry = setTimeout(() => void this.enqueue(() => this.flush()), retryMs);
      return;
    }
    if (this.outage) logger.info(`the pool's history reached Consul again (${flushing.length} entry(ies) from ${file})`);
    this.outage = false;
    this.pending = this.pending.filter((entry) => !flushing.includes(entry));
    this.keepInFile();
  }

  /** The file holds exactly the waiting entries (none: no file). */
  private keepInFile(): void {
    try {
      rewriteFallback(this.options.file, this.pending);
    } catch (error) {
      this.warnOnce([`cannot keep the history entries waiting for Consul in ${this.options.file} (${errorMessage(error)}): they live in memory only`]);
    }
  }

  private warnOnce(problems: readonly string[]): void {
    for (const problem of problems) {
      if (this.said.has(problem)) continue;
      this.said.add(problem);
      this.options.logger.warn(problem);
    }
  }
}
