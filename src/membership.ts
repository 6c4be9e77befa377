/**
 * Pool membership for this daemon: the member publisher and pool reader actors (services/pool/
 * membership-actors.ts) built from the settings and the observer, for the chart to invoke. The record is
 * built from the chart's latest snapshot (member-view.ts) and rewritten at once on a change of state or
 * lock; the reader judges this node against the pool with the chart's latest view of its own neard.
 */
import type { Logger } from 'pino';
import { stateNamesOf } from '../machines/roles.js';
import type { ConsulClient } from '../services/consul/client.js';
import { memberPublisherActor, PoolMembers, poolReaderActor } from '../services/pool/membership-actors.js';
import { monotonicNow } from '../services/monotonic-clock.js';
import type { HotSwapFields } from '../services/pool/member-hot-swap.js';
import type { FailoverObserver } from './failover-observer.js';
import { benchReason, buildMemberRecord } from './member-view.js';
import type { Settings } from './settings.js';

export interface MembershipDependencies {
  settings: Settings;
  observer: FailoverObserver;
  consul: ConsulClient;
  logger: Logger;
  /** The hot-swap readiness to publish (src/hot-swap-readiness.ts); absent: hot swap off. */
  hotSwap?: () => HotSwapFields;
}

export function membershipActors({ settings, observer, consul, logger, hotSwap }: MembershipDependencies) {
  const { nodeId, accountId, noFailover, failoverPriority, maxLagBlocks } = settings;
  const intervalMs = settings.memberPublishIntervalMs;
  const clocks = { monotonicNow, wallNow: Date.now };
  const pool = new PoolMembers(intervalMs, clocks);
  const common = { consul, accountId, nodeId, intervalMs, pool, logger };
  const publisher = memberPublisherActor({
    ...common,
    record: () => buildMemberRecord(observer, { nodeId, accountId, noFailover, failoverPriority }, { maxLagBlocks }, pool.bestHeadOfOthers(), clocks, hotSwap?.()),
    // Written at once when the state or the lock changes (not for every /status answer), and when the check
    // after a takeover is decided (`kuutamoctl switchover --wait` waits for it).
    onChange: (listener) => {
      let published = '';
      return observer.onChange((snapshot) => {
        const { holdsLock, production } = snapshot.context;
        const key = `${JSON.stringify(snapshot.value)} ${holdsLock} ${production.takeover?.result ?? ''}`;
        if (key === published) return;
        published = key;
        listener();
      });
    },
  });
  const poolReader = poolReaderActor({
    ...common,
    rule: { maxLagBlocks },
    self: () => {
      const snapshot = observer.snapshot;
      const context = snapshot?.context;
      const state = snapshot ? stateNamesOf(snapshot.value).state : 'Startup';
      return { nodeId, failoverPriority, noFailover, state, syncing: context?.syncing ?? null, height: context?.blockHeight ?? null, benched: benchReason(context) };
    },
  });
  return { memberPublisher: publisher.actor, poolReader, withdrawn: publisher.withdrawn, pool };
}
