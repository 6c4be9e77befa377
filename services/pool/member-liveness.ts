/**
 * Which pool members are alive, judged on this machine's monotonic clock: a record is alive while it keeps
 * being rewritten (every --member-publish-interval). Comparing a record's wall-clock publishedAt with this
 * machine's wall clock would make the judgement depend on how far the two clocks disagree; instead the
 * reader notes when it first saw each version of a record. Only a record seen for the first time (this
 * daemon just started, or the member just joined) is judged by its publishedAt, as nothing better is known.
 * A dead node's record lingers until Consul's TTL ends its session (up to 2 x TTL), so this matters.
 */
import type { MemberRecord } from './member-record.js';
import { MEMBER_WRITE_DEBOUNCE_MS } from './member-publisher.js';

export interface LivenessClocks {
  /** This machine's monotonic clock, ms. */
  monotonicNow: () => number;
  /** Wall clock, ms: only for a record seen for the first time. */
  wallNow: () => number;
}

export class MemberLiveness {
  /** Per node id: the publishedAt last seen, and when (monotonic) this reader first saw it. */
  private readonly seen = new Map<string, { publishedAt: number; seenAt: number }>();
  /** A record not rewritten for two intervals (plus the write debounce) is a dead node's. */
  private readonly maxAgeMs: number;

  constructor(
    intervalMs: number,
    private readonly clocks: LivenessClocks,
  ) {
    this.maxAgeMs = 2 * intervalMs + MEMBER_WRITE_DEBOUNCE_MS;
  }

  /** Note a read of the pool's records: a new publishedAt is a rewrite, seen now. Forgets members gone. */
  observe(members: readonly Pick<MemberRecord, 'nodeId' | 'publishedAt'>[]): void {
    const now = this.clocks.monotonicNow();
    const present = new Set<string>();
    for (const { nodeId, publishedAt } of members) {
      present.add(nodeId);
      const known = this.seen.get(nodeId);
      if (known?.publishedAt === publishedAt) continue;
      // First sight: as old as its own timestamp says (never younger than now); a rewrite: new now.
      const age = known === undefined ? Math.max(0, this.clocks.wallNow() - publishedAt) : 0;
      this.seen.set(nodeId, { publishedAt, seenAt: now - age });
    }
    for (const nodeId of this.seen.keys()) if (!present.has(nodeId)) this.seen.delete(nodeId);
  }

  isLive(member: Pick<MemberRecord, 'nodeId' | 'publishedAt'>): boolean {
    const known = this.seen.get(member.nodeId);
    if (known === undefined || known.publishedAt !== member.publishedAt) return false;
    return this.clocks.monotonicNow() - known.seenAt <= this.maxAgeMs;
  }
}
