// Where the fault records live and how they are read. With NEARD_STANDIN_VALIDATOR_LOG the file is
// `<log>.faults`, next to the log every stand-in of the pool shares, so all of them count an isolated
// or mute node's duties as missed and all of them stall together. Without the log it is
// `<home>/standin-faults.jsonl`: the fault shows only in that node's own view. Records are appended
// whole (appendFileSync of one line), so readers see a record completely or not at all.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFaultRecords, type FaultRecord } from './fault-records.js';
import { FaultTimeline, NO_FAULTS } from './fault-timeline.js';

/** The fault file a node of `home` reads (and `standin-fault` writes), given the validator log if any. */
export function faultFilePath(validatorLog: string | null, home: string): string {
  return validatorLog !== null ? `${validatorLog}.faults` : join(resolve(home), 'standin-faults.jsonl');
}

export function appendFaultRecord(path: string, record: FaultRecord): void {
  appendFileSync(path, `${JSON.stringify(record)}\n`);
}

/**
 * The fault file as a timeline, re-read only when it changed (size or mtime): every RPC answer looks at
 * it, so a fault shows in the very next answer, and an unchanged file costs one stat.
 */
export class FaultFeed {
  private seen = '';
  private current: FaultTimeline = NO_FAULTS;

  constructor(readonly path: string) {}

  timeline(): FaultTimeline {
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      stamp = 'absent';
    }
    if (stamp !== this.seen) {
      this.seen = stamp;
      this.current = stamp === 'absent' ? NO_FAULTS : new FaultTimeline(parseFaultRecords(this.read()));
    }
    return this.current;
  }

  private read(): string {
    try {
      return readFileSync(this.path, 'utf8');
    } catch {
      return ''; // removed between stat and read: no faults, and the next stat says so again
    }
  }
}
