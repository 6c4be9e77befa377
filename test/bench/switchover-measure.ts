// What one planned switchover cost, read after the fact from the stand-in's shared validator log:
// the validator gap (the old neard's validator_stop to the new one's validator_start; negative would be two
// validators at once) and the pool account's blocks and chunks missed over the heights it spanned, with
// the stand-in's own ledger rules (localnet/neard/ledger.ts, duty-count.ts), so the figures match what neard's
// near_validators_*_expected / _produced counters would say.
import { Chain } from '../../localnet/neard/chain.js';
import { loadGenesis } from '../../localnet/neard/home.js';
import { countDuties } from '../../localnet/neard/duty-count.js';
import { validatingPeriods } from '../../localnet/neard/ledger.js';
import { Schedule, parseSchedule } from '../../localnet/neard/schedule.js';
import { ValidatorLog, type ValidatorLogRecord } from '../../localnet/neard/validator-log.js';
import { readFileSync } from 'node:fs';

export interface SwitchoverCost {
  /** ms from the old validator's stop to the new one's start; null if either record is missing. */
  gapMs: number | null;
  /** Two processes validated at once (a start before the previous stop). */
  overlap: boolean;
  blocksMissed: number;
  chunksMissed: number;
  /** Heights the measurement covered. */
  fromHeight: number;
  toHeight: number;
}

export interface PoolLedger {
  chain: Chain;
  schedule: Schedule;
  logPath: string;
  accountId: string;
}

export function poolLedger(genesisFile: string, blockMs: number, scheduleText: string, logPath: string, accountId: string): PoolLedger {
  const chain = new Chain(loadGenesis(genesisFile), blockMs);
  return { chain, schedule: new Schedule(chain, parseSchedule(scheduleText, 'schedule')), logPath, accountId };
}

function records(path: string): ValidatorLogRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ValidatorLogRecord);
}

/** The cost of the switchover that ran between wall-clock times `startMs` and `endMs`. */
export function switchoverCost(ledger: PoolLedger, startMs: number, endMs: number): SwitchoverCost {
  const all = records(ledger.logPath).filter((r) => r.account_id === ledger.accountId);
  const during = all.filter((r) => r.t_ms >= startMs && r.t_ms <= endMs);
  const stop = during.find((r) => r.event === 'validator_stop');
  const start = stop === undefined ? undefined : during.find((r) => r.event === 'validator_start' && r.t_ms >= stop.t_ms - 60_000 && r.pid !== stop.pid);
  // Overlap: someone started validating while another process had not yet stopped.
  const open = new Set<number>();
  let overlap = false;
  for (const r of all.filter((rec) => rec.t_ms <= endMs)) {
    if (r.event === 'validator_start') {
      if (r.t_ms >= startMs && open.size > 0) overlap = true;
      open.add(r.pid);
    } else {
      open.delete(r.pid);
    }
  }
  const fromHeight = ledger.chain.headHeightAt(startMs);
  const toHeight = ledger.chain.headHeightAt(endMs);
  const periods = validatingPeriods(new ValidatorLog(ledger.logPath, ''), endMs);
  const counts = countDuties(ledger.chain, ledger.schedule, periods, ledger.accountId, fromHeight, toHeight);
  return {
    gapMs: stop && start ? start.t_ms - stop.t_ms : null,
    overlap,
    blocksMissed: counts.blocksExpected - counts.blocksProduced,
    chunksMissed: counts.chunksExpected - counts.chunksProduced,
    fromHeight,
    toHeight,
  };
}
