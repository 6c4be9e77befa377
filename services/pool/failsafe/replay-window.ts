/**
 * A member's memory of the requests it accepted (issue 18): the highest counter seen per (leader, session,
 * boot). A request whose counter is not above it is a replay, or older than one already answered, and is
 * rejected, so it can never extend a refrain. Only requests whose MAC verified are recorded, so nobody
 * without the key can fill it. Bounded: when full, the entry advanced longest ago is forgotten (an old leader
 * process's); docs/failsafe-protocol.md says what a replay of a forgotten process's request can do (delay a
 * takeover by one refrain window, never make a second validator).
 */

export interface ReplayId {
  leader: string;
  session: string;
  boot: string;
}

export const DEFAULT_REPLAY_CAPACITY = 256;

export class ReplayWindow {
  /** Insertion order is advance order: a recorded entry is moved to the end. */
  private readonly highest = new Map<string, number>();

  constructor(readonly capacity = DEFAULT_REPLAY_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error(`replay window: capacity must be a positive integer, not ${capacity}`);
  }

  /** The highest counter accepted from this leader process and session, or null if none is remembered. */
  highestOf(id: ReplayId): number | null {
    return this.highest.get(keyOf(id)) ?? null;
  }

  /** Whether `counter` is above every counter accepted from this leader process and session. */
  isFresh(id: ReplayId, counter: number): boolean {
    const seen = this.highestOf(id);
    return seen === null || counter > seen;
  }

  /** Remember `counter` as accepted (never lowers what is remembered). */
  record(id: ReplayId, counter: number): void {
    const key = keyOf(id);
    const seen = this.highest.get(key);
    this.highest.delete(key);
    this.highest.set(key, seen === undefined ? counter : Math.max(seen, counter));
    while (this.highest.size > this.capacity) {
      const oldest = this.highest.keys().next().value;
      if (oldest === undefined) break;
      this.highest.delete(oldest);
    }
  }

  get size(): number {
    return this.highest.size;
  }
}

/** Unambiguous whatever the ids contain. */
const keyOf = ({ leader, session, boot }: ReplayId): string => JSON.stringify([leader, session, boot]);
