/**
 * Which maintenance window a planned stop goes in, one rule for both users (issue 19): `kuutamoctl restart`
 * on a standby (the height neard stops at, src/control/shutdown-height.ts) and a switchover (the window the
 * leader hands the role over in, src/control/switchover-routes.ts). They differ in one explicit parameter:
 * what to do when no window is long enough. Windows come from neard (services/neard/maintenance-windows.ts).
 */

/** A half-open range of block heights [start, end): `end - start` blocks in which the account produces nothing. */
export interface MaintenanceWindow {
  start: number;
  end: number;
}

/**
 * The earliest usable height is the head plus this many blocks: what was planned must reach the one who
 * carries it out before the window starts. A restart's expected_shutdown goes to neard by SIGHUP and a
 * config reload it confirms (a neard whose head is already past the height stops at once, off the plan); a
 * switchover's record goes to the leader through a Consul write and a blocking query, and the leader acts
 * on its next /status answer (--status-interval, 1 s). 3 blocks, ~3 s at mainnet's ~1 s blocks, covers
 * either with room; more would only cut the first window shorter.
 */
export const WINDOW_MARGIN_BLOCKS = 3;

/**
 * When no window of the minimum length is left. 'longest': take the longest window there is (kneard's rule
 * for `restart`: a standby's neard produces nothing, so its stop costs the pool nothing wherever it falls).
 * 'refuse': take none (a switchover moves the validator: in a shorter window the account misses blocks).
 */
export type ShortWindowPolicy = 'longest' | 'refuse';

/** The windows clipped to start at `from` (the part below is too soon), empty ones dropped, in height order. */
function usableFrom(windows: readonly MaintenanceWindow[], from: number): MaintenanceWindow[] {
  return windows
    .map((w) => ({ start: Math.max(w.start, from), end: w.end }))
    .filter((w) => w.end > w.start)
    .sort((a, b) => a.start - b.start);
}

const lengthOf = (w: MaintenanceWindow): number => w.end - w.start;

/**
 * The window to use from `head`: the first one with at least `minimumLength` blocks from head +
 * WINDOW_MARGIN_BLOCKS on (clipped to start there), else per `short`. null: none to use.
 */
export function chooseWindow(windows: readonly MaintenanceWindow[], head: number, minimumLength: number, short: ShortWindowPolicy): MaintenanceWindow | null {
  const usable = usableFrom(windows, head + WINDOW_MARGIN_BLOCKS);
  const long = usable.find((w) => lengthOf(w) >= minimumLength);
  if (long !== undefined || short === 'refuse') return long ?? null;
  // The earliest of the longest: reduce keeps the first on a tie.
  return usable.reduce<MaintenanceWindow | null>((best, w) => (best === null || lengthOf(w) > lengthOf(best) ? w : best), null);
}

/** How many windows a refusal names. */
const SHOWN_WINDOWS = 3;

/**
 * Why a switchover found no window (chooseWindow with 'refuse' gave null), for the operator: the longest few
 * windows there are (a mainnet epoch can hold thousands of short ones) and what to do instead.
 */
export function switchoverWindowRefusal(windows: readonly MaintenanceWindow[], head: number, minimumLength: number): string {
  const longest = [...windows].sort((a, b) => lengthOf(b) - lengthOf(a)).slice(0, SHOWN_WINDOWS);
  const shown = longest.map((w) => `[${w.start}, ${w.end}) ${lengthOf(w)} blocks`).join(', ');
  const seen = windows.length === 0 ? 'none' : windows.length <= SHOWN_WINDOWS ? shown : `${windows.length}, the longest: ${shown}`;
  return (
    `no maintenance window of at least ${minimumLength} blocks starts after height ${head + WINDOW_MARGIN_BLOCKS} before the epoch ends ` +
    `(windows from head ${head}: ${seen}). Give a smaller --minimum-length, try again in the next epoch, or use --now.`
  );
}
