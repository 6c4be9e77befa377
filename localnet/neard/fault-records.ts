// The records of the fault file (`<NEARD_STANDIN_VALIDATOR_LOG>.faults`, see fault-file.ts): one JSON
// line per change, so every stand-in of a pool sees the same faults at the same wall-clock times.
//   {"t_ms": 1712345678901.2, "home": "/abs/home", "fault": "isolated" | "mute" | "flaky" | "none"}
//   {"t_ms": 1712345678901.2, "chain": "stall" | "run"}
// A home's fault holds from its record's t_ms until the home's next record; the chain stalls from a
// `stall` record until the next `run` record.

/** Per home (a machine): cut off from peers, outbound traffic lost, one duty in ten lost, or healthy. */
export const NODE_FAULTS = ['isolated', 'mute', 'flaky', 'none'] as const;
export type NodeFault = (typeof NODE_FAULTS)[number];

/** Chain-wide: every head stops (`stall`) or moves again (`run`). */
export const CHAIN_STATES = ['stall', 'run'] as const;
export type ChainState = (typeof CHAIN_STATES)[number];

export interface NodeFaultRecord {
  t_ms: number;
  /** Absolute path of the neard home the fault belongs to. */
  home: string;
  fault: NodeFault;
}

export interface ChainFaultRecord {
  t_ms: number;
  chain: ChainState;
}

export type FaultRecord = NodeFaultRecord | ChainFaultRecord;

export const isChainRecord = (r: FaultRecord): r is ChainFaultRecord => 'chain' in r;

function recordOf(value: unknown): FaultRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const t = v['t_ms'];
  if (typeof t !== 'number' || !Number.isFinite(t)) return null;
  const chain = v['chain'];
  if (typeof chain === 'string' && (CHAIN_STATES as readonly string[]).includes(chain)) return { t_ms: t, chain: chain as ChainState };
  const home = v['home'];
  const fault = v['fault'];
  if (typeof home === 'string' && home !== '' && typeof fault === 'string' && (NODE_FAULTS as readonly string[]).includes(fault)) {
    return { t_ms: t, home, fault: fault as NodeFault };
  }
  return null;
}

/**
 * The file's records in time order. A line that is no record is skipped: one being appended right now
 * by another process is complete on the next read, and a stray line must not stop a node.
 */
export function parseFaultRecords(text: string): FaultRecord[] {
  const records: FaultRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const record = recordOf(value);
    if (record) records.push(record);
  }
  // Two writers may append a hair out of order; the times decide. sort() is stable for equal times.
  return records.sort((a, b) => a.t_ms - b.t_ms);
}
