/**
 * A PoolView (src/pool-view.ts) as display rows (src/ui/pool-table.ts), and those rows as the plain text
 * table `kuutamoctl list` prints: the one place that decides how a member looks, so the CLI and /ui agree.
 */
import type { PoolMember, PoolView } from './pool-view.js';
import { takeoverCheckLine } from './takeover-check-text.js';
import { POOL_COLUMNS, type PoolTable, type PoolTableRow } from './ui/pool-table.js';

const NONE = '-';

/** An age as an operator reads it: 800ms, 12s, 3m05s, 2h10m. */
export function formatAge(ms: number): string {
  const abs = Math.max(0, Math.round(ms));
  if (abs < 1_000) return `${abs}ms`;
  const s = Math.floor(abs / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const ago = (at: number | null, now: number): string => (at === null ? NONE : `${formatAge(now - at)} ago`);

/** Ready for a validator key hot swap (src/hot-swap-readiness.ts); the reason goes to the notes, it is a sentence. */
function hotSwapCell(member: PoolMember): string {
  if (member.hotSwapReady === null) return NONE;
  const word = member.hotSwapReady ? 'ready' : 'no';
  return member.hotSwapReason === null ? word : `${word} (see notes)`;
}

/**
 * Block production (issue 17): the leader's own health (producing, checking, degraded: why), or a standby's
 * verdict on the leader (healthy, suspect / failing / cannot judge: why). The check after a takeover and
 * unreadable counts go to the notes.
 */
export function productionCell(member: Pick<PoolMember, 'production'>): string {
  const production = member.production;
  if (production === null) return NONE;
  const why = production.detail === null ? '' : `: ${production.detail}`;
  if (production.health !== null) return production.health === 'degraded' ? `degraded${why}` : production.health;
  if (production.verdict === null) return NONE;
  if (production.verdict === 'healthy') return 'healthy';
  return `${production.verdict === 'cannot-judge' ? 'cannot judge' : production.verdict}${why}`;
}

/** What an operator should know about a member's production beyond its cell. */
function productionNotes(member: PoolMember): string[] {
  const notes: string[] = [];
  const { production } = member;
  if (production === null) return notes;
  if (production.takeover !== null && production.takeover.result !== 'producing') notes.push(`${member.nodeId}, check after its takeover: ${takeoverCheckLine(production.takeover)}`);
  if (production.countsProblem !== null) notes.push(`${member.nodeId} cannot read the chain's production counts (${production.countsProblem}): its missed-blocks signal is off`);
  return notes;
}

function rowOf(member: PoolMember, now: number): PoolTableRow {
  const lock = (member.lockHolder ? 'yes' : 'no') + (member.staleLock ? '*' : '');
  const eligible = member.eligible ? 'yes' : `no: ${member.ineligibleReason ?? 'unknown'}`;
  return {
    nodeId: member.nodeId,
    holdsLock: member.lockHolder,
    eligible: member.eligible,
    cells: {
      node: member.nodeId + (member.failoverPriority === 1 ? '' : ` (priority ${member.failoverPriority})`),
      state: member.detail === member.state ? member.state : `${member.state} (${member.detail})`,
      lock,
      // Projected to the read, like the lag: the best head shown has lag 0, and head + lag is that best head.
      head: member.head === null ? NONE : String(member.head),
      lag: member.lag === null ? NONE : String(member.lag),
      renewed: ago(member.lastRenewalAt, now),
      kuutamod: member.version,
      neard: member.neardVersion ?? NONE,
      eligible,
      hotswap: hotSwapCell(member),
      production: productionCell(member),
      published: ago(member.publishedAt, now),
    },
  };
}

export function poolTableOf(view: PoolView): PoolTable {
  const rows = view.members.map((member) => rowOf(member, view.readAt));
  const notes: string[] = [];
  if (view.members.length === 0) notes.push(`No members found for account ${view.accountId}`);
  const stale = view.members.filter((m) => m.staleLock).map((m) => m.nodeId);
  if (stale.length > 0) notes.push(`* the record of ${stale.join(', ')} disagrees with the lock key (written before the last change); the lock column shows the lock key`);
  if (view.lockHolder !== null && !view.members.some((m) => m.lockHolder)) {
    notes.push(`the lock is held by ${view.lockHolder}, which publishes no member record (an older kuutamod?)`);
  }
  for (const member of view.members) {
    if (member.hotSwapReady === null || member.hotSwapReason === null) continue;
    notes.push(`${member.nodeId} ${member.hotSwapReady ? 'is ready for a hot swap only on a condition' : 'is not ready for a hot swap'}: ${member.hotSwapReason}`);
  }
  for (const member of view.members) notes.push(...productionNotes(member));
  for (const problem of view.unreadable) notes.push(`unreadable record: ${problem}`);
  return { accountId: view.accountId, columns: POOL_COLUMNS, rows, notes, readAt: new Date(view.readAt).toISOString() };
}

/** The table as aligned plain text, a header line first, then the notes. */
export function formatPoolTable(table: PoolTable): string {
  const lines = [table.columns.map((c) => c.toUpperCase()), ...table.rows.map((row) => table.columns.map((c) => row.cells[c]))];
  const widths = table.columns.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)));
  const text = lines.map((cells) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  return [...(table.rows.length > 0 ? text : []), ...table.notes].map((line) => `${line}\n`).join('');
}
