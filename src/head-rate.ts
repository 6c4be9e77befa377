/**
 * How fast this node's neard head advances, in blocks per second over the last minute of /status
 * answers. Published in the member record so readers can compare heads read at different times: a
 * record is up to one publish interval old, which at mainnet's ~1 block/s is as much as the lag limit
 * is meant to tolerate. A stalled neard shows 0, and so is projected to stay where it is.
 */
const WINDOW_MS = 60_000;
/** Below this span the estimate is noise (a restart, the first answers). */
const MIN_SPAN_MS = 5_000;

export class HeadRate {
  private readonly samples: Array<{ at: number; height: number }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(height: number): void {
    const at = this.now();
    const last = this.samples.at(-1);
    // A lower head is another neard (a restart onto older data): start over.
    if (last !== undefined && height < last.height) this.samples.length = 0;
    this.samples.push({ at, height });
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
  }

  /** Blocks per second, null until answers span MIN_SPAN_MS. */
  get blocksPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.at - first.at < MIN_SPAN_MS) return null;
    return ((last.height - first.height) * 1_000) / (last.at - first.at);
  }
}
