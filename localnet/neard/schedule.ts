// The block schedule: which account produces the block and the chunk at each height.
// nearcore samples producers by stake from the epoch's seed; the stand-in needs something
// every stand-in of a localnet agrees on without talking to each other, and that a test can
// shape (windows of chosen lengths), so it is a pure function of genesis + one knob:
//   - NEARD_STANDIN_SCHEDULE gives chosen accounts a repeating pattern (see parseSchedule);
//   - every other height's block (or chunk) goes to the genesis validators without a pattern,
//     in turns: offset-in-epoch mod N picks the account.
// As in nearcore, each height has one block producer and one chunk producer (one shard).
import type { Chain } from './chain.js';

export interface Duty {
  block: boolean;
  chunk: boolean;
}

/** account id -> one cycle of duties, repeated from the first height of every epoch. */
export type ScheduleSpec = ReadonlyMap<string, readonly Duty[]>;

const NONE: Duty = { block: false, chunk: false };
const TOKEN_DUTY: Record<string, Duty> = {
  B: { block: true, chunk: false },
  C: { block: false, chunk: true },
  X: { block: true, chunk: true },
};

/**
 * `account:PATTERN[;account:PATTERN...]`. PATTERN is a sequence of `B` (a block), `C` (a
 * chunk), `X` (block and chunk) and numbers (that many heights with neither), one letter per
 * height. `node0:X3X5X10` makes node0 busy at epoch offsets 0, 4, 10, 21, 25, ... with free runs
 * of 3, 5 and 10 heights between: maintenance windows of several lengths.
 */
export function parseSchedule(text: string, source: string): ScheduleSpec {
  const spec = new Map<string, Duty[]>();
  for (const entry of text.split(';').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([^:\s]+):([BCX0-9]+)$/.exec(entry);
    if (!match) {
      throw new Error(`${source}: '${entry}' must look like account:PATTERN with PATTERN made of B, C, X and numbers (e.g. node0:X3X5X10)`);
    }
    const [, account, pattern] = match as unknown as [string, string, string];
    const cycle: Duty[] = [];
    for (const token of pattern.match(/[BCX]|[0-9]+/g) ?? []) {
      const duty = TOKEN_DUTY[token];
      if (duty) cycle.push(duty);
      else for (let i = 0; i < Number(token); i++) cycle.push(NONE);
    }
    if (cycle.length === 0) throw new Error(`${source}: the pattern of '${account}' covers no heights`);
    spec.set(account, cycle);
  }
  return spec;
}

export class Schedule {
  /** Genesis validators without an explicit pattern: they take turns at the other heights. */
  private readonly rotation: string[];

  constructor(private readonly chain: Chain, private readonly spec: ScheduleSpec) {
    this.rotation = chain.genesis.validators.map((v) => v.account_id).filter((a) => !spec.has(a));
  }

  /** Accounts with any duty: the ones nearcore would label in its per-validator gauges. */
  accounts(): string[] {
    return [...new Set([...this.chain.genesis.validators.map((v) => v.account_id), ...this.spec.keys()])];
  }

  /** The accounts producing the block and the chunk at a height (null: nobody, e.g. genesis). */
  producers(height: number): { block: string | null; chunk: string | null } {
    if (height <= this.chain.genesis.genesisHeight) return { block: null, chunk: null };
    const offset = height - this.chain.epochOf(height).startHeight;
    let block: string | null = null;
    let chunk: string | null = null;
    // The first pattern (in NEARD_STANDIN_SCHEDULE order) that claims a role gets it.
    for (const [account, cycle] of this.spec) {
      const duty = cycle[offset % cycle.length] ?? NONE;
      if (duty.block && block === null) block = account;
      if (duty.chunk && chunk === null) chunk = account;
    }
    const turn = this.rotation.length > 0 ? this.rotation[offset % this.rotation.length] ?? null : null;
    return { block: block ?? turn, chunk: chunk ?? turn };
  }

  duty(accountId: string, height: number): Duty {
    const p = this.producers(height);
    return { block: p.block === accountId, chunk: p.chunk === accountId };
  }

  /**
   * nearcore's maintenance windows: from `head` to the end of its epoch, the maximal
   * half-open ranges [start, end) in which the account has no block and no chunk to produce.
   * An account with no duties gets the whole rest of the epoch, as in nearcore.
   */
  windows(accountId: string, head: number): Array<[number, number]> {
    const end = this.chain.epochOf(head).startHeight + this.chain.genesis.epochLength;
    const windows: Array<[number, number]> = [];
    let start: number | null = null;
    for (let h = head; h < end; h++) {
      const d = this.duty(accountId, h);
      if (d.block || d.chunk) {
        if (start !== null) windows.push([start, h]);
        start = null;
      } else if (start === null) {
        start = h;
      }
    }
    if (start !== null) windows.push([start, end]);
    return windows;
  }
}
