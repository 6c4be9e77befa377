/**
 * The production metrics (issue 17) on the daemon's one registry (src/metrics.ts): the account's counts as
 * this node's neard sees them (fed by the production watch's `onCounts`: the chart keeps no counts), whether
 * they can be read, this node's production judgement, moves and the checks after takeovers (fed by the
 * failover observer from the chart's snapshots, src/production-feed.ts). Every one is in docs/metrics.md.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TakeoverCheckResult } from '../machines/failover-events.js';
import type { FailReason, ProductionVerdict } from '../machines/production-rules.js';
import type { AccountCounts } from '../services/neard/production-poller.js';

export type OwnHealth = 'checking' | 'producing' | 'degraded';
export type VerdictName = ProductionVerdict['verdict'];
export type TakeoverResult = TakeoverCheckResult['result'];

export const OWN_HEALTHS: readonly OwnHealth[] = ['checking', 'producing', 'degraded'];
export const VERDICTS: readonly VerdictName[] = ['healthy', 'suspect', 'failing', 'cannot-judge'];
export const TAKEOVER_RESULTS: readonly TakeoverResult[] = ['producing', 'not-producing', 'unconfirmed'];
/** The claim reasons as label values (a verdict's reason has a space). */
export const CLAIM_REASONS: Readonly<Record<FailReason, string>> = { 'head stalled': 'head-stalled', 'blocks missed': 'blocks-missed' };

/** What the gauges show of the chart's latest snapshot (src/production-feed.ts computes it). */
export interface ProductionGauges {
  /** The leader's own production; null when this node does not lead. */
  ownHealth: OwnHealth | null;
  /** A standby's verdict on the leader; null when this node is no standby or has none yet. */
  verdict: VerdictName | null;
  /** The verdict is failing and a move is held back (machines/production-moves.ts moveHeld). */
  moveHeld: boolean;
}

export interface ProductionMetrics {
  /** The latest poll's counts, or null when they could not be read (the four count gauges vanish then). */
  setAccountCounts(counts: AccountCounts | null): void;
  setProductionGauges(gauges: ProductionGauges): void;
  /** This standby asked the leader for the role (entered Voting.Claiming). */
  recordProductionClaim(reason: FailReason): void;
  /** This leader began handing the role over for not producing (and is benched). */
  recordProductionHandover(): void;
  /** The check after this node's takeover was decided. */
  recordTakeoverCheck(result: TakeoverResult): void;
}

const COUNT_GAUGES: ReadonlyArray<[keyof AccountCounts, string, string]> = [
  ['expectedBlocks', 'kuutamod_account_blocks_expected', 'Blocks the pool account was expected to produce in the current epoch so far, as this node\'s neard counts them (JSON-RPC validators); absent while they cannot be read'],
  ['producedBlocks', 'kuutamod_account_blocks_produced', 'Blocks the pool account produced in the current epoch so far, as this node\'s neard counts them; absent while they cannot be read'],
  ['expectedChunks', 'kuutamod_account_chunks_expected', 'Chunks the pool account was expected to produce in the current epoch so far, as this node\'s neard counts them; absent while they cannot be read'],
  ['producedChunks', 'kuutamod_account_chunks_produced', 'Chunks the pool account produced in the current epoch so far, as this node\'s neard counts them; absent while they cannot be read'],
];

export function createProductionMetrics(registry: Registry): ProductionMetrics {
  const registers = [registry];
  // The count gauges are registered while the counts are readable only: a stale or zero value would read as a count.
  const counts = COUNT_GAUGES.map(([field, name, help]) => ({ field, name, gauge: new Gauge({ name, help, registers: [] }) }));
  let countsShown = false;
  // Registered at the first poll: before it (never in the election) there is nothing to say.
  let readable: Gauge | undefined;

  const ownHealth = new Gauge({ name: 'kuutamod_production_own_health', help: 'On the leader, 1 for its own production (checking: no block or chunk produced since its takeover yet; producing; degraded), 0 for the others; all 0 on a node that does not lead', labelNames: ['health'], registers });
  const verdict = new Gauge({ name: 'kuutamod_production_leader_verdict', help: 'On a standby, 1 for its verdict on the leader\'s production (healthy, suspect, failing, cannot-judge), 0 for the others; all 0 on a node that is no standby or has no verdict yet', labelNames: ['verdict'], registers });
  const moveHeld = new Gauge({ name: 'kuutamod_production_move_held', help: '1 while this standby judges the leader failing but no production move may happen (the pool\'s last one is younger than --production-hold, this node is benched, or --no-production-failover): alert instead', registers });
  const claims = new Counter({ name: 'kuutamod_production_claims_total', help: 'Times this standby asked the leader for the role because it judged the leader not producing (entered Voting.Claiming), by the verdict\'s reason (head-stalled, blocks-missed)', labelNames: ['reason'], registers });
  const handovers = new Counter({ name: 'kuutamod_production_handovers_total', help: 'Times this node, leading, began handing the role over because a standby judged it not producing (it is benched for --production-hold then)', registers });
  const takeoverChecks = new Counter({ name: 'kuutamod_takeover_checks_total', help: 'Checks after this node took the role, by result once decided: producing (a block or chunk produced), not-producing (duties came and went, none produced), unconfirmed (none fell due within --production-grace)', labelNames: ['result'], registers });
  // Every label value exists from the start, so dashboards see all of them and increase() sees the first event.
  for (const health of OWN_HEALTHS) ownHealth.set({ health }, 0);
  for (const name of VERDICTS) verdict.set({ verdict: name }, 0);
  for (const reason of Object.values(CLAIM_REASONS)) claims.inc({ reason }, 0);
  for (const result of TAKEOVER_RESULTS) takeoverChecks.inc({ result }, 0);

  return {
    setAccountCounts(reading) {
      readable ??= new Gauge({ name: 'kuutamod_production_counts_readable', help: '1 when the latest poll of this node\'s neard (JSON-RPC validators) gave the pool account\'s counts, 0 when it did not (no such RPC, an error, garbage, not a current validator): the missed-blocks signal is off then', registers });
      readable.set(reading === null ? 0 : 1);
      if (reading === null) {
        if (countsShown) for (const { name } of counts) registry.removeSingleMetric(name);
        countsShown = false;
        return;
      }
      if (!countsShown) for (const { gauge } of counts) registry.registerMetric(gauge);
      countsShown = true;
      for (const { field, gauge } of counts) gauge.set(reading[field] as number);
    },
    setProductionGauges(gauges) {
      for (const health of OWN_HEALTHS) ownHealth.set({ health }, health === gauges.ownHealth ? 1 : 0);
      for (const name of VERDICTS) verdict.set({ verdict: name }, name === gauges.verdict ? 1 : 0);
      moveHeld.set(gauges.moveHeld ? 1 : 0);
    },
    recordProductionClaim: (reason) => claims.inc({ reason: CLAIM_REASONS[reason] }),
    recordProductionHandover: () => handovers.inc(),
    recordTakeoverCheck: (result) => takeoverChecks.inc({ result }),
  };
}
