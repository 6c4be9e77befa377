// NEARD_STANDIN_VALIDATOR_LOG: one JSON line per change of validating state, so a chaos
// checker can prove no two processes validated with the same key at once. Written with
// appendFileSync: the record is on disk before the state it announces begins (start) or
// right when it ends (stop). A SIGKILLed process writes no stop record; the checker uses
// the pid's death instead.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export type ValidatorEvent = 'validator_start' | 'validator_stop';

export interface ValidatorLogRecord {
  event: ValidatorEvent;
  pid: number;
  account_id: string;
  public_key: string;
  home: string;
  /** High-resolution wall clock in milliseconds (fractional). */
  t_ms: number;
}

export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export class ValidatorLog {
  constructor(private readonly path: string | null, private readonly home: string) {}

  write(event: ValidatorEvent, key: { accountId: string; publicKey: string }): void {
    if (this.path === null) return;
    const record: ValidatorLogRecord = {
      event,
      pid: process.pid,
      account_id: key.accountId,
      public_key: key.publicKey,
      home: this.home,
      t_ms: wallClockMs(),
    };
    appendFileSync(this.path, JSON.stringify(record) + '\n');
  }
}
