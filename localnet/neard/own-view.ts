// What a node itself reports (head, syncing, peers) given the isolations of its home, as nearcore
// behaves: a node cut off from its peers keeps its head where it was and, with no higher peer to sync
// from, stays in NoSync (`syncing: false`); a node that starts while cut off waits for peers
// (AwaitingPeers, `syncing: true`) with the head its database had. When the link comes back the node
// catches up: it reports syncing for its sync time, then follows the chain's head again. Pure.
import { localHeight, type Chain } from './chain.js';
import type { Interval } from './fault-timeline.js';

/** nearcore's SyncStatus, as far as the stand-in tells them apart: NoSync, a catch-up, AwaitingPeers. */
export type SyncState = 'synced' | 'downloading' | 'awaiting-peers';

export interface OwnViewInput {
  chain: Chain;
  nowMs: number;
  /** When this process started: an isolation that began before it found the process's database frozen. */
  startedAtMs: number;
  /** End of the startup sync (Infinity until the ports are up). */
  syncedAtMs: number;
  /** Catch-up time after an isolation is lifted (NEARD_STANDIN_SYNC_MS, like a restart's sync). */
  syncMs: number;
  /** This home's isolations in time order (FaultTimeline.periods(home, 'isolated')). */
  isolations: readonly Interval[];
  /** Peers while connected. */
  peers: number;
}

export interface OwnView {
  head: number;
  sync: SyncState;
  syncing: boolean;
  peers: number;
  isolated: boolean;
}

export function ownView(i: OwnViewInput): OwnView {
  const { chain, nowMs } = i;
  // The head never drops below what an earlier isolation froze it at; a lift starts a catch-up.
  let floor = chain.genesis.genesisHeight;
  let syncedAt = i.syncedAtMs;
  for (const iso of i.isolations) {
    if (iso.startMs >= nowMs) break;
    if (iso.endMs !== null && iso.endMs < i.startedAtMs) continue; // over before this process: its startup sync covers it
    const running = i.startedAtMs <= iso.startMs;
    // Running: the head it had then. Started while cut off: its database's head, the chain's at the cut.
    const frozen = Math.max(floor, running ? localHeight(chain, iso.startMs, syncedAt) : chain.headHeightAt(iso.startMs));
    if (iso.endMs === null || nowMs <= iso.endMs) {
      // Synced before the cut: NoSync stays. Not yet synced (or started cut off): waiting for peers.
      const synced = running && iso.startMs >= syncedAt;
      return { head: frozen, sync: synced ? 'synced' : 'awaiting-peers', syncing: !synced, peers: 0, isolated: true };
    }
    floor = frozen;
    syncedAt = Math.max(syncedAt, iso.endMs + i.syncMs);
  }
  const syncing = nowMs < syncedAt;
  return {
    head: Math.max(floor, localHeight(chain, nowMs, syncedAt)),
    sync: syncing ? 'downloading' : 'synced',
    syncing,
    peers: i.peers,
    isolated: false,
  };
}
