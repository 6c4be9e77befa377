/**
 * The neard stand-in's shared validator log (NEARD_STANDIN_VALIDATOR_LOG) read as the truth about who
 * validated when: every validating period of every neard, whatever the daemons say. For integration tests.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

export interface ValidatorPeriodEvent {
  event: 'validator_start' | 'validator_stop';
  pid: number;
  home: string;
  t_ms: number;
}

/** The log's events in time order; fails if two validating periods ever overlap. */
export function checkNoOverlap(validatorLog: string): ValidatorPeriodEvent[] {
  if (!existsSync(validatorLog)) return [];
  const events = readFileSync(validatorLog, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ValidatorPeriodEvent)
    .sort((a, b) => a.t_ms - b.t_ms);
  const active = new Set<number>();
  for (const e of events) {
    if (e.event === 'validator_start') {
      assert.equal(active.size, 0, `neard ${e.pid} (${e.home}) started validating at ${e.t_ms} while ${[...active].join(', ')} still validated`);
      active.add(e.pid);
    } else {
      active.delete(e.pid);
    }
  }
  return events;
}
