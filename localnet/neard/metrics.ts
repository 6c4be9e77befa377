// GET /metrics on rpc.addr: the Prometheus text of the nearcore metrics a supervisor uses
// for planned operations. Names, types and help texts are nearcore's (chain/chain/src/metrics.rs,
// chain/client/src/metrics.rs, chain/network/src/stats/metrics.rs, nearcore/src/metrics.rs, neard dyn-config metrics).
import type { DutyCounts } from './duty-count.js';

export interface MetricsSnapshot {
  head: number;
  epochHeight: number;
  /** Holds a validator key of an account that is a validator of the current epoch. */
  isValidator: boolean;
  configReloads: number;
  expectedShutdown: number | null;
  /** Connected peers: 0 while the node is isolated (a standin-fault). */
  peers: number;
  /** Per-validator counts from the start of the head's epoch up to the head. */
  validators: ReadonlyArray<{ accountId: string; counts: DutyCounts }>;
}

type Sample = [labels: Record<string, string>, value: number];

function family(name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const text = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
    lines.push(`${name}${text ? `{${text}}` : ''} ${value}`);
  }
  return lines.join('\n');
}

const perValidator = (s: MetricsSnapshot, pick: (c: DutyCounts) => number): Sample[] =>
  s.validators.map((v) => [{ account_id: v.accountId }, pick(v.counts)]);

export function metricsText(s: MetricsSnapshot): string {
  return [
    family('near_block_height_head', 'gauge', 'Height of the current head of the blockchain', [[{}, s.head]]),
    family('near_epoch_height', 'gauge', 'Height of the epoch at the head of the blockchain', [[{}, s.epochHeight]]),
    family('near_is_validator', 'gauge', 'Bool to denote if it is validating in the current epoch', [[{}, s.isValidator ? 1 : 0]]),
    family('near_is_block_producer', 'gauge', 'Bool to denote if the node is a block producer in the current epoch',
      [[{}, s.isValidator ? 1 : 0]]),
    family('near_config_reloads_total', 'counter', 'Number of times the configs were reloaded during the current run of the process',
      [[{}, s.configReloads]]),
    family('near_block_expected_shutdown', 'gauge', 'The block height expected shutdown', [[{}, s.expectedShutdown ?? 0]]),
    family('near_peer_connections_total', 'gauge', 'Number of connected peers', [[{}, s.peers]]),
    family('near_validators_blocks_produced', 'gauge', 'Number of blocks produced by a validator', perValidator(s, (c) => c.blocksProduced)),
    family('near_validators_blocks_expected', 'gauge', 'Number of blocks expected to be produced by a validator', perValidator(s, (c) => c.blocksExpected)),
    family('near_validators_chunks_produced', 'gauge', 'Number of chunks produced by a validator', perValidator(s, (c) => c.chunksProduced)),
    family('near_validators_chunks_expected', 'gauge', 'Number of chunks expected to be produced by a validator', perValidator(s, (c) => c.chunksExpected)),
  ].join('\n') + '\n';
}
