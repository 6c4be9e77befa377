/**
 * Pool membership as two actors the failover chart invokes, so XState starts and stops them with the state
 * that needs them:
 * - `memberPublisher` (invoked at the root) keeps this node's record in Consul (member-publisher.ts) and
 *   withdraws it (record deleted, member session destroyed) when the chart, entering Shutdown, says
 *   MEMBERS.WITHDRAW;
 * - `poolReader` (invoked by Voting) reads the pool's records every interval and reports this node's
 *   eligibility (the ELIGIBILITY fact): the chart decides what to do about it (stand aside, yield, contend).
 * Both share a PoolMembers: the other members as last read, and which of them are alive, on which this
 * node's own record also judges its lag.
 */
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { MembershipCommand, MembershipEvent } from '../../machines/failover-events.js';
import { describeConsulError, type ConsulClient } from '../consul/client.js';
import { bestHead, judgePool, type EligibilityRule, type SelfFacts } from '../../machines/pool-rules.js';
import { MemberLiveness, type LivenessClocks } from './member-liveness.js';
import { MemberPublisher } from './member-publisher.js';
import { readMembers, type MemberRecord } from './member-record.js';

/** The pool as this node last read it. */
export class PoolMembers {
  /** The other members' records as last read. */
  others: readonly MemberRecord[] = [];
  readonly liveness: MemberLiveness;

  /** `intervalMs`: --member-publish-interval, how often a live member rewrites its record. */
  constructor(
    intervalMs: number,
    readonly clocks: LivenessClocks,
  ) {
    this.liveness = new MemberLiveness(intervalMs, clocks);
  }

  /** The best head among the live others, projected to now (null: none known). */
  bestHeadOfOthers(): number | null {
    return bestHead(this.others.filter((member) => this.liveness.isLive(member)), this.clocks.wallNow());
  }
}

export interface MembershipActorOptions {
  consul: ConsulClient;
  accountId: string;
  nodeId: string;
  /** --member-publish-interval: how often the record is rewritten and the pool read. */
  intervalMs: number;
  pool: PoolMembers;
  logger: Logger;
}

export interface PublisherOptions extends MembershipActorOptions {
  /** This node's record as of now (the daemon builds it from the chart's latest snapshot and `pool`). */
  record: () => MemberRecord;
  /** Calls back when the record should be written at once (state or lock changed); returns the unsubscribe. */
  onChange: (listener: () => void) => () => void;
}

/** Resolves once the record was withdrawn (or there was nothing to withdraw): the daemon waits for it before it exits. */
export interface Withdrawal {
  withdrawn: () => Promise<void>;
}

export function memberPublisherActor(options: PublisherOptions): { actor: ReturnType<typeof fromCallback<MembershipCommand>> } & Withdrawal {
  let publisher: MemberPublisher | null = null;
  let withdrawing: Promise<void> = Promise.resolve();
  const withdraw = () => {
    if (publisher !== null) withdrawing = publisher.stop();
    return withdrawing;
  };
  const actor = fromCallback<MembershipCommand>(({ receive }) => {
    const { consul, accountId, nodeId, intervalMs, logger } = options;
    publisher = new MemberPublisher({ consul, accountId, nodeId, intervalMs, record: options.record, logger });
    const unsubscribe = options.onChange(() => publisher?.changed());
    publisher.start();
    receive((command) => {
      if (command.type === 'MEMBERS.WITHDRAW') void withdraw();
    });
    return () => {
      unsubscribe();
      void withdraw();
    };
  });
  return { actor, withdrawn: () => withdrawing };
}

export interface PoolReaderOptions extends MembershipActorOptions {
  /** This node as of now (its state, head and sync flag from the chart's latest snapshot). */
  self: () => SelfFacts;
  rule: EligibilityRule;
}

/** Reads the pool at once and then every interval while the chart stays in the state that invoked it. */
export function poolReaderActor(options: PoolReaderOptions) {
  // It takes no commands: the chart only starts and stops it.
  return fromCallback<EventObject>(({ sendBack }) => {
    const { consul, accountId, nodeId, intervalMs, pool, logger } = options;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let outage = false;
    const read = async () => {
      try {
        const { members } = await readMembers(consul, accountId);
        if (stopped) return;
        pool.liveness.observe(members);
        pool.others = members.filter((member) => member.nodeId !== nodeId);
        const report: MembershipEvent = {
          type: 'ELIGIBILITY',
          ...judgePool(options.self(), members, options.rule, (member) => pool.liveness.isLive(member), pool.clocks.wallNow()),
        };
        sendBack(report);
        outage = false;
      } catch (error) {
        if (!outage) logger.warn(`cannot read the pool's member records (retrying every ${intervalMs} ms): ${describeConsulError(error)}`);
        outage = true;
      }
      if (!stopped) timer = setTimeout(() => void read(), intervalMs);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
}
