/**
 * The handover actor: watches the pool's planned-switchover record (services/pool/handover-record.ts) with a
 * Consul blocking query on every node and reports each change to the chart as HANDOVER_UPDATED; writes
 * the phases the chart asks for (HANDOVER.WRITE) by check-and-set. It decides nothing: the chart knows
 * whether this node is the leader, the candidate or a bystander.
 */
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { FailoverEvent, HandoverCommand, HandoverRecord } from '../../machines/failover-events.js';
import { describeConsulError, type ConsulClient } from '../consul/client.js';
import { pause, watchConsulKey } from '../consul/key-watch.js';
import { randomUUID } from 'node:crypto';
import { createHandover, ensureHandoverKey, handoverKeyOf, moveHandover, readHandoverState } from './handover-record.js';
import type { ActorTimings } from '../service-timings.js';

export interface HandoverOptions {
  consul: ConsulClient;
  accountId: string;
  timings: Pick<ActorTimings, 'lockWatchWaitMs' | 'consulRetryIntervalMs'>;
  logger: Logger;
}

/** Tries of one phase write while Consul fails. */
const WRITE_ATTEMPTS = 5;

type Report = (event: Extract<FailoverEvent, { type: 'HANDOVER_UPDATED' | 'CONSUL_ERROR' }>) => void;

export class HandoverWatch {
  private readonly stop = new AbortController();
  /** What the chart was last told, as JSON, so it hears of changes only. */
  private lastReported: string | undefined;
  /** Writes go one at a time, in the order the chart asked for them. */
  private writing: Promise<void> = Promise.resolve();
  /** The watch's failure last reported; the same one again is not (an old ACL policy fails every second). */
  private lastWatchError: string | null = null;

  constructor(
    private readonly options: HandoverOptions,
    private readonly report: Report,
  ) {
    void this.watch();
  }

  command(command: HandoverCommand): void {
    this.writing = this.writing.then(() => (command.type === 'HANDOVER.CLAIM' ? this.claim(command) : this.write(command)));
  }

  dispose(): void {
    this.stop.abort();
  }

  private async watch(): Promise<void> {
    const { consul, accountId, timings } = this.options;
    await watchConsulKey({
      consul,
      key: handoverKeyOf(accountId),
      timings,
      signal: this.stop.signal,
      // The blocking query wakes us when the key changes; the value is read after it (the watch answer carries no value type).
      onAnswer: async () => {
        await this.readAndReport();
        this.lastWatchError = null;
      },
      // Once per outage: a token whose policy lacks kuutamod-handover/ would otherwise log a line a second.
      onError: (error) => {
        if (error === this.lastWatchError) return;
        this.lastWatchError = error;
        this.report({ type: 'CONSUL_ERROR', operation: 'handover watch', error });
      },
    });
  }

  private async readAndReport(): Promise<void> {
    let record: HandoverRecord | null;
    try {
      const { stored, keyExists } = await readHandoverState(this.options.consul, this.options.accountId);
      // A watch on a missing key wakes on every KV write nearby: create the key (ensureHandoverKey says why).
      if (!keyExists) await ensureHandoverKey(this.options.consul, this.options.accountId);
      record = stored?.record ?? null;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Consul key')) {
        // A record this version cannot read is no handover of ours: ignored, and said once.
        if (this.lastReported !== 'unreadable') this.options.logger.warn({ error: error.message }, 'ignoring an unreadable handover record');
        this.lastReported = 'unreadable';
        this.report({ type: 'HANDOVER_UPDATED', record: null });
        return;
      }
      throw error;
    }
    const text = JSON.stringify(record);
    if (text === this.lastReported) return;
    this.lastReported = text;
    if (record !== null) this.options.logger.info({ handover: record }, `handover ${record.id}: ${record.phase}`);
    this.report({ type: 'HANDOVER_UPDATED', record });
  }

  /**
   * Retried while Consul fails (a few times, then the record's deadline settles it): a lost 'done' would
   * leave the old leader to call a handover that worked a failure.
   */
  /**
   * A production move (issue 17): a mode-now record from the leader to this node, created by check-and-set
   * on "no handover under way". Not retried: a refused or failed claim is asked again by the chart if the
   * leader still does not produce; the result reaches the chart through the watch like any record.
   */
  private async claim({ from, to, requestedBy, message }: Extract<HandoverCommand, { type: 'HANDOVER.CLAIM' }>): Promise<void> {
    const { consul, accountId, logger } = this.options;
    const record: HandoverRecord = {
      id: randomUUID(), from, to, mode: 'now', minimumLength: 1, window: null, requestedAt: Date.now(), requestedBy, phase: 'requested', deadlineAt: null, message,
    };
    try {
      const outcome = await createHandover(consul, accountId, record);
      if (outcome.created) logger.warn({ handover: record }, `production move requested: ${message}; ${from} hands the role to ${to}`);
      else logger.info({ active: outcome.active }, 'production move not requested: another handover was written first');
    } catch (error) {
      this.report({ type: 'CONSUL_ERROR', operation: 'production move request', error: describeConsulError(error) });
    }
  }

  private async write({ id, phase, message, deadlineAt, onlyFrom }: Extract<HandoverCommand, { type: 'HANDOVER.WRITE' }>): Promise<void> {
    const { consul, accountId, logger, timings } = this.options;
    const changes = { message, ...(deadlineAt === undefined ? {} : { deadlineAt }) };
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS && !this.stop.signal.aborted; attempt++) {
      try {
        const outcome = await moveHandover(consul, accountId, id, phase, changes, undefined, onlyFrom);
        if (outcome !== 'moved') logger.info({ id, phase, outcome }, 'handover record not moved (it ended or moved on meanwhile)');
        return;
      } catch (error) {
        this.report({ type: 'CONSUL_ERROR', operation: `handover write ${phase}`, error: describeConsulError(error) });
        await pause(timings.consulRetryIntervalMs, this.stop.signal);
      }
    }
  }
}

/** The actor the chart invokes as `handover`. */
export function consulHandoverActor(options: HandoverOptions) {
  return fromCallback<HandoverCommand>(({ sendBack, receive }) => {
    const watch = new HandoverWatch(options, sendBack);
    receive((command) => watch.command(command));
    return () => watch.dispose();
  });
}
