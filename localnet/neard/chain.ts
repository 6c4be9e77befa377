// A pretend chain: the head advances one block every blockMs from genesis_time, so every
// stand-in sharing a genesis agrees on heights and hashes, and a restarted node is
// "caught up" again after syncing, as a real node would be. A chain-wide stall (the shared
// fault file) holds every head and shifts later blocks by its length (stall-clock.ts).
import { createHash } from 'node:crypto';
import bs58 from 'bs58';
import type { Interval } from './fault-timeline.js';
import type { GenesisInfo } from './home.js';
import { chainElapsedMs, wallMsAtElapsed } from './stall-clock.js';

/** base58 of a 32-byte digest, the encoding of nearcore's CryptoHash. */
export function cryptoHash(...parts: (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\0');
  return bs58.encode(h.digest());
}

/** The all-zero CryptoHash: nearcore's id of the first epoch. */
export const ZERO_HASH = bs58.encode(new Uint8Array(32));

/** RFC 3339 with nanoseconds, as nearcore serializes block times. */
export function isoNanos(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.round((ms - whole) * 1e6);
  const iso = new Date(whole).toISOString(); // 2024-01-01T00:00:00.123Z
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}${String(nanos).padStart(6, '0')}Z`;
}

export interface Block {
  height: number;
  hash: string;
  timeMs: number;
}

export class Chain {
  readonly genesisHash: string;

  /**
   * `lagBlocks`: how far this node's head trails the network head once synced (NEARD_STANDIN_LAG_BLOCKS: a slow node).
   * `stalls`: the chain's stalls as known now (read on every call, so a new stall shows at once).
   */
  constructor(readonly genesis: GenesisInfo, readonly blockMs: number, readonly lagBlocks = 0,
    readonly stalls: () => readonly Interval[] = () => []) {
    this.genesisHash = cryptoHash('genesis', genesis.text);
  }

  /** Network head at a wall-clock time. */
  headHeightAt(nowMs: number, stalls: readonly Interval[] = this.stalls()): number {
    const elapsed = chainElapsedMs(nowMs, this.genesis.genesisTimeMs, stalls);
    return this.genesis.genesisHeight + Math.floor(elapsed / this.blockMs);
  }

  /** `stalls`: pass them when asking for many blocks, so the fault file is looked at once. */
  block(height: number, stalls: readonly Interval[] = this.stalls()): Block {
    const elapsed = (height - this.genesis.genesisHeight) * this.blockMs;
    return {
      height,
      hash: height === this.genesis.genesisHeight ? this.genesisHash : cryptoHash(this.genesisHash, 'block', height),
      // Infinity: a height past a stall that still lasts (not made yet).
      timeMs: wallMsAtElapsed(elapsed, this.genesis.genesisTimeMs, stalls),
    };
  }

  stateRoot(height: number): string {
    return cryptoHash(this.genesisHash, 'state', height);
  }

  /** The epoch holding a height; `height` counts epochs from 1 (nearcore's epoch_height). */
  epochOf(height: number): { id: string; startHeight: number; height: number } {
    const index = Math.floor(Math.max(0, height - this.genesis.genesisHeight - 1) / this.genesis.epochLength);
    return {
      id: index === 0 ? ZERO_HASH : cryptoHash(this.genesisHash, 'epoch', index),
      startHeight: this.genesis.genesisHeight + 1 + index * this.genesis.epochLength,
      height: index + 1,
    };
  }
}

/**
 * The node's own head: while syncing it lags the network head by the blocks still to
 * download, and the lag shrinks to the chain's lagBlocks (0 unless the node is set to be slow)
 * when syncing ends (monotonic, catching up).
 */
export function localHeight(chain: Chain, nowMs: number, syncedAtMs: number): number {
  const head = chain.headHeightAt(nowMs);
  const lag = Math.ceil(Math.max(0, syncedAtMs - nowMs) / chain.blockMs) + chain.lagBlocks;
  return Math.max(chain.genesis.genesisHeight, head - lag);
}
