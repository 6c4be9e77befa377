/**
 * One poll of this node's neard for the chain's counts of the pool's account (JSON-RPC `validators`,
 * validators-rpc.ts), for the production watch (issue 17): the counts, or why there are none in words (an
 * older neard without the RPC, an error, garbage, an account that is not a current validator).
 */
import type { CountsReading } from '../../machines/production-counts.js';
import { fetchAccountProduction } from './validators-rpc.js';

export interface ProductionPollOptions {
  rpcUrl: string;
  accountId: string;
  requestTimeoutMs: number;
}

/** A reading of the counts, before the watch stamps it with its time. */
export type AccountCounts = Omit<CountsReading, 'at'>;

export async function pollProduction({ rpcUrl, accountId, requestTimeoutMs }: ProductionPollOptions): Promise<{ counts: AccountCounts } | { problem: string }> {
  try {
    const answer = await fetchAccountProduction(rpcUrl, accountId, requestTimeoutMs);
    if (answer.kind === 'not-validator') {
      return { problem: `${accountId} is not a current validator (epoch ${answer.epochHeight ?? `starting at ${answer.epochStartHeight}`}): no duties to count` };
    }
    const { epochStartHeight, epochHeight, expectedBlocks, producedBlocks, expectedChunks, producedChunks } = answer;
    return { counts: { epochStartHeight, epochHeight, expectedBlocks, producedBlocks, expectedChunks, producedChunks } };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
