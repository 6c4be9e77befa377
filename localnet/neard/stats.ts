// The periodic `INFO stats:` summary line, formatted like nearcore's InfoHelper::info
// (chain/client/src/info.rs), with log_summary_style "plain".
import type { Block } from './chain.js';
import type { SyncState } from './own-view.js';

/** nearcore's PrettyNumber: SI prefixes with 2/1/0 decimals. */
export function prettyNumber(value: number, unit: string): string {
  let num = Math.floor(value);
  if (num < 1000) return `${num} ${unit}`;
  for (const prefix of 'kMGTPE') {
    if (num < 1_000_000) {
      const precision = num < 10_000 ? 2 : num < 100_000 ? 1 : 0;
      return `${(num / 1000).toFixed(precision)} ${prefix}${unit}`;
    }
    num /= 1000;
  }
  return `${num} ${unit}`;
}

const plural = (n: number): string => (n === 1 ? '' : 's');

export interface StatsInput {
  head: Block;
  sync: SyncState;
  /** Network head, for the "Downloading blocks" progress while syncing. */
  networkHeight: number;
  /** null while syncing: nearcore prints no validator part then. */
  validatorInfo: { isValidator: boolean; numValidators: number } | null;
  peers: number;
  blocksPerSec: number;
  cpuPercent: number;
  memBytes: number;
}

export function statsLine(s: StatsInput): string {
  const height = `#${String(s.head.height).padStart(8)}`;
  const sync = s.sync === 'awaiting-peers'
    ? `${height} Waiting for peers`
    : s.sync === 'downloading'
      ? `${height} Downloading blocks ` +
        `${(s.networkHeight > 0 ? (s.head.height * 100) / s.networkHeight : 0).toFixed(2)}% ` +
        `(${Math.max(0, s.networkHeight - s.head.height)} left; at ${s.head.height})`
      : `${height} ${s.head.hash.padStart(44)}`;
  const v = s.validatorInfo;
  const validator = v
    ? ` ${v.isValidator ? 'Validator | ' : ''}${v.numValidators} validator${plural(v.numValidators)}`
    : '';
  const network = ` ${s.peers} peer${plural(s.peers)} ⬇ ${prettyNumber(0, 'B/s')} ⬆ ${prettyNumber(0, 'B/s')}`;
  const blocks = ` ${s.blocksPerSec.toFixed(2)} bps ${prettyNumber(0, 'gas/s')}`;
  const machine = ` CPU: ${s.cpuPercent.toFixed(0)}%, Mem: ${prettyNumber(s.memBytes, 'B')}`;
  return sync + validator + network + blocks + machine;
}
