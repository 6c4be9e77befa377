// How busy the whole machine was over a window, from two readings of /proc/stat's first line: on a shared
// 2-core machine this says whether a figure was measured with CPU to spare or on a saturated host (then
// every latency includes waiting for a core). Pure (unit-tested in consul-telemetry.test.ts).

export interface CpuTimes {
  /** Ticks spent idle (idle + iowait) and in total, summed over all cores. */
  idle: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal (guest time is inside user). */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number) ?? [];
  if (fields.length < 5 || fields.some((n) => !Number.isFinite(n))) throw new Error('/proc/stat: no aggregate cpu line (Linux is needed)');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return { idle: idle + iowait, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** Share of all cores' time that was busy between two readings, in % (0-100); null if no time passed. */
export function busyPercent(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  return (100 * (total - (after.idle - before.idle))) / total;
}
