/** The production rule (issue 17) from the daemon's flags (src/settings.ts), as the chart's input takes it. */
import { DEFAULT_PRODUCTION_THRESHOLDS } from '../machines/production-rules.js';
import type { ProductionRule } from '../machines/production-view.js';
import type { Settings } from './settings.js';

export function productionRuleOf(settings: Settings): ProductionRule {
  return {
    stallMs: settings.productionStallMs,
    noiseBlocks: DEFAULT_PRODUCTION_THRESHOLDS.noiseBlocks,
    consecutiveMisses: settings.productionMissesInARow,
    graceMs: settings.productionGraceMs,
    holdMs: settings.productionHoldMs,
    movesEnabled: !settings.noProductionFailover,
  };
}
