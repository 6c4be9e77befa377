/**
 * --validator-key-hot-swap on a standby whose neard tracks none of the validator's shards: the SIGHUP makes
 * it validate, but it has no state to produce chunks on until it syncs them at the next epoch, and the
 * account misses chunks (and may lose its seat) meanwhile. The daemon reads neard's config.json
 * (services/neard/tracked-shards.ts) when it starts and again each time a new neard process starts (neard
 * reads config.json only then), logs each new verdict (ERROR when not ready), sets kuutamod_hot_swap_ready
 * and publishes it in the member record.
 *
 * It warns and goes on: promotion stays a hot swap. Restarting neard instead would not help (a neard that
 * tracked no shards has no state for them after a restart either, and a start misses blocks on top), and
 * refusing to start would take a standby that can still produce blocks out of the pool (docs/operations.md).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { errorMessage } from '../services/error-message.js';
import { readJsonObjectFile } from '../services/json-object.js';
import { trackedShardsReadiness, type TrackedShardsReadiness } from '../services/neard/tracked-shards.js';
import { HOT_SWAP_OFF, type HotSwapFields } from '../services/pool/member-hot-swap.js';
import type { FailoverObserver } from './failover-observer.js';
import type { DaemonMetrics } from './metrics.js';

export interface HotSwapReadinessOptions {
  neardHome: string;
  accountId: string;
  logger: Logger;
  metrics: DaemonMetrics;
}

/** The member record's fields for a verdict: ready without a condition carries no reason. */
export function hotSwapFieldsOf(readiness: TrackedShardsReadiness): HotSwapFields {
  if (readiness.verdict === 'ready') return { hotSwapReady: true, hotSwapReason: readiness.caveat === null ? null : readiness.message };
  return { hotSwapReady: false, hotSwapReason: readiness.message };
}

export class HotSwapReadinessCheck {
  private current: HotSwapFields = HOT_SWAP_OFF;
  private logged: string | null = null;

  constructor(private readonly options: HotSwapReadinessOptions) {}

  /** What the member record publishes (hot swap off until the first check). */
  get fields(): HotSwapFields {
    return this.current;
  }

  /** Read config.json now; the verdict is logged when it differs from the last one. */
  check(): TrackedShardsReadiness {
    const { neardHome, accountId, logger, metrics } = this.options;
    const path = join(neardHome, 'config.json');
    let readiness: TrackedShardsReadiness;
    try {
      readiness = trackedShardsReadiness(readJsonObjectFile(path), accountId);
    } catch (error) {
      // The daemon read it at start (settings), so this is a file changed or removed since.
      readiness = { verdict: 'unknown', tracks: 'unknown shards', caveat: null, message: `cannot read ${path} to tell which shards neard tracks (${errorMessage(error)})` };
    }
    this.current = hotSwapFieldsOf(readiness);
    metrics.setHotSwapReady(readiness.verdict === 'ready');
    if (readiness.message !== this.logged) {
      this.logged = readiness.message;
      const fields = { hot_swap_ready: readiness.verdict, config: path };
      if (readiness.verdict === 'not-ready') {
        logger.error(fields, `validator key hot swap: ${readiness.message}. This node stays in the pool and is still promoted by SIGHUP (a neard restart would not give it the shards' state); kuutamoctl list and kuutamod_hot_swap_ready show it as not ready`);
      } else if (readiness.verdict === 'unknown' || readiness.caveat !== null) {
        logger.warn(fields, `validator key hot swap: ${readiness.message}`);
      } else {
        logger.info(fields, `validator key hot swap: ${readiness.message}`);
      }
    }
    return readiness;
  }

  /** Check again whenever a new neard process runs: it read config.json as it started. */
  follow(observer: FailoverObserver): () => void {
    let checkedPid: number | null = null;
    return observer.onChange((snapshot) => {
      const pid = snapshot.context.neardPid;
      if (pid === null || pid === checkedPid) return;
      checkedPid = pid;
      this.check();
    });
  }
}
