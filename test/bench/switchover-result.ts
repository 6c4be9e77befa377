// The switchover bench's results, as the run (switchover-run.ts) produces them and the targets
// (switchover-targets.ts) and the report (switchover-report.ts) read them. Types and the variants only.
import type { MaintenanceWindow } from '../../machines/window-rules.js';
import type { SwitchoverCost } from './switchover-measure.js';

export interface Variant {
  name: string;
  hotSwap: boolean;
  mode: 'window' | 'now';
}

export const VARIANTS: readonly Variant[] = [
  { name: 'hot swap, in a window', hotSwap: true, mode: 'window' },
  { name: 'hot swap, --now', hotSwap: true, mode: 'now' },
  { name: 'restart, in a window', hotSwap: false, mode: 'window' },
  { name: 'restart, --now', hotSwap: false, mode: 'now' },
];

/** What a bench ran with (the report shows them). */
export interface SwitchoverSettings {
  /** Switchovers per variant. */
  count: number;
  /** Stand-in knobs: block time, graceful stop, startup sync (a restarted neard produces only after it). */
  blockMs: number;
  stopDelayMs: number;
  syncMs: number;
  epochLength: number;
  /** The pool account's duties, a NEARD_STANDIN_SCHEDULE pattern repeated from each epoch's first height. */
  schedule: string;
  /** `kuutamoctl switchover --in-window --minimum-length`, in blocks. */
  minimumLength: number;
}

/** One switchover that completed (kuutamoctl said done and the new neard produced). */
export interface SwitchoverRecord {
  index: number;
  from: string;
  to: string;
  cost: SwitchoverCost;
  /** The window of the daemon's handover record; null with --now. */
  window: MaintenanceWindow | null;
  /** switchover-windows.ts's findings for a switchover in a window; [] with --now. */
  windowProblems: string[];
  /** `kuutamoctl switchover --wait` of the request that went through, including its wait for the window. */
  commandMs: number;
}

export interface VariantResult {
  variant: Variant;
  switchovers: SwitchoverRecord[];
  /** Switchovers that did not complete, one line each. */
  failures: string[];
  /** Requests refused because no window of the minimum length was left in the epoch, asked again in the next. */
  epochEndRetries: number;
  /** 1-minute load average when the variant started and ended: the machine is shared. */
  load: [number, number];
}

/** The pool account's duties over one epoch: what the chance of a result without windows is computed from. */
export interface DutyLayout {
  /** Offsets from the epoch's first height of the heights with a block or chunk of the account. */
  offsets: number[];
  epochLength: number;
  blockMs: number;
}

export interface SwitchoverBenchResult {
  variants: VariantResult[];
  duties: DutyLayout;
  startedAt: number;
  endedAt: number;
}
