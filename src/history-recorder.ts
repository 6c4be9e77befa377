/**
 * Records the pool's history of validator changes (issue 18) by watching the chart from outside, through
 * the failover observer: it adds no state to the chart and decides nothing for it. What each change was
 * is decided by the pure rules in machines/history-rules.ts; this file gathers their facts and writes
 * through the HistoryStore (Consul, or the local fallback while Consul fails).
 * - Leaving Validating: this node gives the role up and records why at once (to = null), unless it hands
 *   over by plan (the taker records that, knowing its kind).
 * - Entering Validating: a handover's candidate records its kind; otherwise the node completes the old
 *   leader's give-up, waiting for it up to two member publish intervals, and then judges the old leader's
 *   member record (gone or not rewritten: its daemon was lost).
 * One thing at a time, in the order the chart did them, so this node's entries reach Consul in order.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HandoverRecord } from '../machines/failover-events.js';
import { completeGiveUp, openGiveUpAmong, type HistoryEntry } from '../machines/history-list.js';
import { leavingReasonOf, planTakeover, settledTakeover, type PreviousHolder, type ReasonWords } from '../machines/history-rules.js';
import { stateNamesOf } from '../machines/roles.js';
import { describeConsulError, type ConsulClient } from '../services/consul/client.js';
import { pause } from '../services/consul/key-watch.js';
import { errorMessage } from '../services/error-message.js';
import { monotonicNow } from '../services/monotonic-clock.js';
import type { HistoryStore } from '../services/pool/history-store.js';
import { MemberLiveness, type LivenessClocks } from '../services/pool/member-liveness.js';
import { MEMBER_WRITE_DEBOUNCE_MS } from '../services/pool/member-publisher.js';
import { readMembers, type MemberRecord } from '../services/pool/member-record.js';
import type { FailoverObserver } from './failover-observer.js';

export interface HistoryRecorderOptions {
  observer: FailoverObserver;
  store: HistoryStore;
  consul: ConsulClient;
  nodeId: string;
  accountId: string;
  /** --member-publish-interval: a live old leader's record and give-up show within about one of these. */
  intervalMs: number;
  /** The member whose record held the lock in this node's last read of the pool (null: none). */
  holderSeen: () => string | null;
  logger: Logger;
  clocks?: LivenessClocks;
}

/** Of the records last read, the one that claims the lock (the newest, should two). */
export function lockHolderAmong(members: readonly Pick<MemberRecord, 'nodeId' | 'holdsLock' | 'publishedAt'>[]): string | null {
  const holders = members.filter((member) => member.holdsLock).sort((a, b) => b.publishedAt - a.publishedAt);
  return holders[0]?.nodeId ?? null;
}

export class HistoryRecorder {
  private work: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private readonly unsubscribe: () => void;
  private readonly clocks: LivenessClocks;

  constructor(private readonly options: HistoryRecorderOptions) {
    this.clocks = options.clocks ?? { monotonicNow, wallNow: Date.now };
    this.unsubscribe = options.observer.onChange((snapshot, transition, cause) => {
      if (transition === null) return;
      // The daemon stops: a takeover still waiting for its reason is recorded now, before this node's own give-up.
      if (transition.to === 'Shutdown') this.stopping.abort();
      const at = this.clocks.wallNow();
      if (transition.from === 'Validating') {
        const words = leavingReasonOf(stateNamesOf(snapshot.value), cause);
        if (words !== null) this.then(() => this.giveUp(at, words));
      }
      if (transition.to === 'Validating') {
        const handover = snapshot.context.handover;
        const holderSeen = options.holderSeen();
        this.then(() => this.takeOver(at, handover, holderSeen));
      }
    });
  }

  /** Stop watching; a takeover still waiting for the old leader's reason is recorded with what is known. Resolves when all is written (or kept in the file). */
  async close(): Promise<void> {
    this.unsubscribe();
    this.stopping.abort();
    await this.work;
    await this.options.store.close();
  }

  private then(step: () => Promise<void>): void {
    this.work = this.work.then(step).catch((error: unknown) => this.options.logger.error(`history: ${errorMessage(error)}`));
  }

  private async giveUp(at: number, words: ReasonWords): Promise<void> {
    const { nodeId } = this.options;
    await this.write({ id: randomUUID(), at, from: nodeId, to: null, ...words, recordedBy: nodeId, takenAt: null });
  }

  private async takeOver(at: number, handover: HandoverRecord | null, holderSeen: string | null): Promise<void> {
    const { nodeId, store } = this.options;
    const entry = (from: string | null, words: ReasonWords): HistoryEntry => ({ id: randomUUID(), at, from, to: nodeId, ...words, recordedBy: nodeId, takenAt: null });
    const plan = planTakeover({ nodeId, handover, holderSeen, entries: (await store.read()).entries });
    if (plan.kind === 'record') return this.write(entry(plan.from, plan));
    if (plan.kind === 'complete') return this.write(completeGiveUp(plan.giveUp, nodeId, at));
    // A live old leader records its give-up at once: wait for it long enough to tell a lost daemon's record
    // (not rewritten for two intervals, member-liveness.ts) from a live one's.
    const { intervalMs } = this.options;
    const pollMs = Math.min(1_000, Math.max(100, intervalMs / 2));
    const liveness = new MemberLiveness(intervalMs, this.clocks);
    await this.observeMembers(liveness);
    const deadline = this.clocks.monotonicNow() + 2 * intervalMs + MEMBER_WRITE_DEBOUNCE_MS + pollMs;
    while (!this.stopping.signal.aborted && this.clocks.monotonicNow() < deadline) {
      await pause(pollMs, this.stopping.signal);
      const giveUp = openGiveUpAmong((await store.read()).entries, plan.candidates);
      if (giveUp !== undefined) return this.write(completeGiveUp(giveUp, nodeId, at));
    }
    const members = await this.observeMembers(liveness);
    const cannotJudge = this.stopping.signal.aborted ? 'this daemon stopped before it could judge its member record' : members === null ? 'the member records could not be read' : null;
    const holders: PreviousHolder[] = plan.candidates.map((candidate) => {
      const record = members?.find((member) => member.nodeId === candidate) ?? null;
      return { nodeId: candidate, record, live: record !== null && liveness.isLive(record) };
    });
    const settled = settledTakeover(holders, cannotJudge);
    await this.write(entry(settled.from, settled));
  }

  /** The pool's records now, noted for liveness; null when Consul does not answer. */
  private async observeMembers(liveness: MemberLiveness): Promise<MemberRecord[] | null> {
    try {
      const { members } = await readMembers(this.options.consul, this.options.accountId);
      liveness.observe(members);
      return members;
    } catch (error) {
      this.options.logger.warn(`history: cannot read the pool's member records: ${describeConsulError(error)}`);
      return null;
    }
  }

  private async write(entry: HistoryEntry): Promise<void> {
    const change = `${entry.from ?? '(none)'} -> ${entry.to ?? '(none yet)'}`;
    this.options.logger.info({ history: entry }, `validator change recorded: ${change} (${entry.reason}: ${entry.detail})`);
    await this.options.store.record(entry);
  }
}
