/**
 * Wiring of pool membership into the daemon: the publisher (services/pool/member-publisher.ts) writes the
 * record buildMemberRecord makes from the observer, at once on a change of state or lock, and stops
 * (record deleted, member session destroyed) as soon as the chart enters Shutdown. The pool's records it
 * reads back while this node is in Voting give the best head that the eligibility rule measures this node's
 * lag against, and the ELIGIBILITY fact the chart decides on (stand aside, yield, contend).
 */
import type { Logger } from 'pino';
import type { ConsulClient } from '../services/consul/client.js';
import type { MembershipEvent } from '../machines/failover-events.js';
import { bestHead, judgePool } from '../machines/pool-rules.js';
import { MEMBER_WRITE_DEBOUNCE_MS, MemberPublisher } from '../services/pool/member-publisher.js';
import type { MemberList, MemberRecord } from '../services/pool/member-record.js';
import { monotonicNow } from '../services/monotonic-clock.js';
import type { FailoverObserver } from './failover-observer.js';
import { buildMemberRecord } from './member-view.js';
import type { Settings } from './settings.js';

export interface Membership {
  /** Remove the record now (idempotent). */
  stop(): Promise<void>;
}

export interface MembershipDependencies {
  settings: Settings;
  observer: FailoverObserver;
  consul: ConsulClient;
  logger: Logger;
  /** Hears this node's eligibility after each read of the pool (the daemon sends it to the chart). */
  report: (event: MembershipEvent) => void;
}

export function startMembership({ settings, observer, consul, logger, report }: MembershipDependencies): Membership {
  const { nodeId, accountId, noFailover, failoverPriority, maxLagBlocks } = settings;
  /** The other members as last read; their heads are projected to the time a record is written. */
  let others: MemberRecord[] = [];
  // A record not rewritten for two intervals is a dead node's (Consul deletes it within 2 x TTL, later).
  const isLive = (member: MemberRecord) => Date.now() - member.publishedAt <= 2 * settings.memberPublishIntervalMs + MEMBER_WRITE_DEBOUNCE_MS;
  const publisher = new MemberPublisher({
    consul,
    accountId,
    nodeId,
    intervalMs: settings.memberPublishIntervalMs,
    record: () =>
      buildMemberRecord(observer, { nodeId, accountId, noFailover, failoverPriority }, { maxLagBlocks }, bestHead(others.filter(isLive), Date.now()), { monotonicNow, wallNow: Date.now }),
    onMembers: (list: MemberList) => {
      others = list.members.filter((member) => member.nodeId !== nodeId);
      // A read that finishes after Voting was left (a takeover, Shutdown) has nothing to tell the chart.
      if (observer.currentState !== 'Voting') return;
      const context = observer.snapshot?.context;
      const self = { nodeId, failoverPriority, noFailover, state: observer.currentState ?? 'Startup', syncing: context?.syncing ?? null, height: context?.blockHeight ?? null };
      report({ type: 'ELIGIBILITY', ...judgePool(self, list.members, { maxLagBlocks }, isLive, Date.now()) });
    },
    // Only a standby's eligibility needs the pool; a syncing node or the leader saves the request.
    wantsMembers: () => observer.currentState === 'Voting',
    logger,
  });
  let published = '';
  const unsubscribe = observer.onChange((snapshot, transition) => {
    if (transition?.to === 'Shutdown') {
      void publisher.stop();
      return;
    }
    const key = `${JSON.stringify(snapshot.value)} ${snapshot.context.holdsLock}`;
    if (key === published) return;
    published = key;
    publisher.changed();
  });
  publisher.start();
  return {
    async stop() {
      unsubscribe();
      await publisher.stop();
    },
  };
}
