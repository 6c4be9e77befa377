/**
 * Wiring of pool membership into the daemon: the publisher (services/member-publisher.ts) writes the
 * record buildMemberRecord makes from the observer, at once on a change of state or lock, and stops
 * (record deleted, member session destroyed) as soon as the chart enters Shutdown. The pool's records it
 * reads back give the best head that the eligibility rule measures this node's lag against.
 */
import type { Logger } from 'pino';
import type { ConsulClient } from '../services/consul-client.js';
import { bestHeadOf } from '../services/member-eligibility.js';
import { MemberPublisher } from '../services/member-publisher.js';
import type { MemberList } from '../services/member-record.js';
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
  /** Hears the pool as read after each publish (the eligibility reader). */
  onMembers?: (list: MemberList) => void;
}

export function startMembership({ settings, observer, consul, logger, onMembers }: MembershipDependencies): Membership {
  const { nodeId, accountId, noFailover, failoverPriority, maxLagBlocks } = settings;
  let bestHead: number | null = null;
  const publisher = new MemberPublisher({
    consul,
    accountId,
    nodeId,
    intervalMs: settings.memberPublishIntervalMs,
    record: () => buildMemberRecord(observer, { nodeId, accountId, noFailover, failoverPriority }, { maxLagBlocks }, bestHead, { monotonicNow, wallNow: Date.now }),
    onMembers: (list) => {
      bestHead = bestHeadOf(list.members);
      onMembers?.(list);
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
