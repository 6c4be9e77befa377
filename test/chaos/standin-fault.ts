// The stand-in's gray failures switched by the chaos harness (localnet/neard/README.md, "Faults"): the real
// `neard standin-fault` CLI, as harness.ts's setFault runs it, but without blocking the event loop (the
// recorder polls every 3 ms), and the record it wrote read back from the fault file beside the validator log.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { faultFilePath } from '../../localnet/neard/fault-file.js';
import { faultRecords, NEARD_MAIN, type ChainState, type FaultRecord, type NodeFault } from '../../localnet/neard/harness.js';

const run = promisify(execFile);

async function standinFault(args: string[], validatorLog: string): Promise<FaultRecord> {
  await run(process.execPath, [NEARD_MAIN, ...args, '--validator-log', validatorLog], { timeout: 20_000 });
  const last = faultRecords(faultFilePath(validatorLog, '.')).at(-1);
  if (last === undefined) throw new Error(`neard ${args.join(' ')} wrote no record`);
  return last;
}

/** This home's fault from now on, on every stand-in sharing `validatorLog`; the record's t_ms is when it struck. */
export const setHomeFault = (home: string, fault: NodeFault, validatorLog: string): Promise<FaultRecord> =>
  standinFault(['--home', home, 'standin-fault', fault], validatorLog);

/** The whole chain stalls (`stall`) or runs again (`run`). */
export const setChainState = (state: ChainState, validatorLog: string): Promise<FaultRecord> =>
  standinFault(['standin-fault', '--chain', state], validatorLog);
