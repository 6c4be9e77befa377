/**
 * The production watch (issue 17), the actor the chart invokes as `productionWatch` while this node is in
 * the election: every --production-check-interval it reads its own neard's counts for the pool's account
 * (services/neard/production-poller.ts), samples its own head (the chart's latest /status), and judges
 * (machines/production-view.ts): as a standby, the leader, whose record the pool reader last read
 * (PRODUCTION_VERDICT); as the leader, itself and its first duties after the takeover (OWN_PRODUCTION).
 * It reports; the chart decides. A problem reading the counts is logged once per change: the miss signal is
 * off meanwhile, the head signal still works. Every poll's counts (or null when there are none) also go to
 * `onCounts`, for the daemon's metrics: the chart keeps no counts.
 */
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { ProductionEvent } from '../machines/failover-events.js';
import {
  initialProductionView, leaderReport, standbyVerdict, startTakeover, withHead, withLeader, withReading, withTakeoverChecked, withVerdict,
  type ProductionRule, type ProductionView,
} from '../machines/production-view.js';
import { pollProduction, type AccountCounts, type ProductionPollOptions } from '../services/neard/production-poller.js';
import type { PoolMembers } from '../services/pool/membership-actors.js';
import type { FailoverObserver } from './failover-observer.js';

export interface ProductionWatchOptions extends ProductionPollOptions {
  intervalMs: number;
  rule: ProductionRule;
  observer: FailoverObserver;
  pool: PoolMembers;
  logger: Logger;
  wallNow?: () => number;
  /** After every poll: the account's counts as this node's neard sees them, or null when they cannot be read. */
  onCounts?: (counts: AccountCounts | null) => void;
}

const describeVerdict = (event: Extract<ProductionEvent, { type: 'PRODUCTION_VERDICT' }>): string => {
  const v = event.verdict;
  if (v.verdict === 'healthy') return `leader ${event.leaderId} is producing`;
  if (v.verdict === 'cannot-judge') return `leader ${event.leaderId ?? '(none)'}: cannot judge (${v.reason})`;
  return `leader ${event.leaderId} ${v.verdict}: ${v.reason} for ${Math.round(v.forMs / 1000)} s (${v.detail})`;
};

export function productionWatchActor(options: ProductionWatchOptions) {
  const { rule, observer, pool, logger, intervalMs } = options;
  const wallNow = options.wallNow ?? Date.now;
  return fromCallback<EventObject>(({ sendBack }) => {
    let view: ProductionView = initialProductionView;
    let leading = false;
    let lastProblem: string | null = null;
    let lastSaid = '';
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;

    const say = (text: string, warn: boolean) => {
      if (text === lastSaid) return;
      lastSaid = text;
      if (warn) logger.warn(text);
      else logger.info(text);
    };

    const check = async () => {
      const polled = await pollProduction(options);
      if (stopped) return;
      options.onCounts?.('problem' in polled ? null : polled.counts);
      const now = wallNow();
      const snapshot = observer.snapshot;
      const height = snapshot?.context.blockHeight ?? null;
      if (height !== null) view = withHead(view, { at: now, height });
      view = 'problem' in polled ? { ...view, countsProblem: polled.problem } : withReading(view, { ...polled.counts, at: now });
      if (view.countsProblem !== lastProblem) {
        lastProblem = view.countsProblem;
        if (lastProblem === null) logger.info('the chain\'s production counts are readable again: the missed-blocks signal is on');
        else logger.warn(`cannot read the chain's production counts (${lastProblem}): the missed-blocks signal is off, the head signal still works`);
      }
      const isLeader = snapshot?.hasTag('validator') ?? false;
      if (isLeader && !leading) view = startTakeover(view, now, height);
      if (!isLeader && leading) view = { ...view, takeover: null };
      leading = isLeader;
      let event: ProductionEvent;
      if (isLeader) {
        const context = snapshot!.context;
        // Synced as the validator's own process says: a restart leaves the old process's `syncing: false` behind.
        const validating = context.neardMode === 'validator' && context.neardStartAwaited === null
          && context.statusFromPid !== null && context.statusFromPid === context.neardPid && context.syncing === false;
        view = withTakeoverChecked(view, rule, now, height, validating);
        event = leaderReport(view, rule, now);
        say(event.detail === event.health ? `own production: ${event.health}` : `own production: ${event.health} (${event.detail})`, event.health === 'degraded');
      } else {
        const leader = pool.others.find((member) => member.holdsLock && pool.liveness.isLive(member));
        view = withLeader(view, leader === undefined ? null : { nodeId: leader.nodeId, height: leader.height, publishedAt: leader.publishedAt }, now);
        view = withVerdict(view, standbyVerdict(view, rule, now));
        event = { type: 'PRODUCTION_VERDICT', verdict: view.verdict, leaderId: view.leader?.nodeId ?? null, countsProblem: view.countsProblem };
        say(describeVerdict(event), event.verdict.verdict === 'failing');
      }
      sendBack(event);
      timer = setTimeout(() => void check(), intervalMs);
    };
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
}
