// The exact memory a group of processes occupies together: the number of distinct physical pages
// resident in any of them, each counted once (from /proc/<pid>/pagemap). smaps_rollup only says how
// much of a process is shared, not with whom; this checks the estimate of proc-usage.ts's nodeTotalMb.
// Physical frame numbers are readable only with CAP_SYS_ADMIN (root): otherwise the kernel reports them
// as 0 and this returns null.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const PAGE_BYTES = 4096;
/** pagemap entry: bit 63 = page present in RAM, bits 0-54 = physical frame number. */
const PRESENT = 1n << 63n;
const PFN_MASK = (1n << 55n) - 1n;

/** Physical frames resident in one process; null if it is gone or frames are hidden (not root). */
function framesOf(pid: number): Set<bigint> | null {
  const frames = new Set<bigint>();
  let present = 0;
  let fd: number;
  let maps: string;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
    fd = openSync(`/proc/${pid}/pagemap`, 'r');
  } catch {
    return null;
  }
  try {
    for (const line of maps.trim().split('\n')) {
      const [range, perms] = line.split(' ');
      // Reserved address space (V8 reserves gigabytes) holds no pages; vsyscall is not in pagemap.
      if (!range || perms?.startsWith('---') || line.endsWith('[vsyscall]')) continue;
      const [start, end] = range.split('-').map((hex) => BigInt(`0x${hex}`)) as [bigint, bigint];
      const entries = Buffer.alloc(Number((end - start) / BigInt(PAGE_BYTES)) * 8);
      readSync(fd, entries, 0, entries.length, (start / BigInt(PAGE_BYTES)) * 8n);
      for (let offset = 0; offset < entries.length; offset += 8) {
        const entry = entries.readBigUInt64LE(offset);
        if (!(entry & PRESENT)) continue;
        present++;
        frames.add(entry & PFN_MASK);
      }
    }
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
  // Without the capability every present page reads as frame 0.
  return present > 0 && frames.size === 1 && frames.has(0n) ? null : frames;
}

/** MB of distinct physical pages resident in any of the processes; null if one is gone or not root. */
export function residentUnionMb(pids: number[]): number | null {
  const union = new Set<bigint>();
  for (const pid of pids) {
    const frames = framesOf(pid);
    if (frames === null) return null;
    for (const frame of frames) union.add(frame);
  }
  return (union.size * PAGE_BYTES) / (1024 * 1024);
}
